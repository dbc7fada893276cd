using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

/// <summary>Registering data sets through the API and waiting for their tokenization, as the tests about them need.</summary>
public static class DatasetTestData
{
    /// <summary>A fresh folder under the test data root (removed by the caller).</summary>
    public static string NewFolder(string root)
    {
        var folder = Path.Combine(root, ".data", "test-datasets", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Made-up words (BPE's cache rarely hits), deterministic from the seed.</summary>
    public static string Words(int seed, int count)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0) text.Append(i % 17 == 0 ? ".\n" : " ");
            for (var c = random.Next(2, 9); c > 0; c--) text.Append((char)('a' + random.Next(26)));
        }
        return text.ToString();
    }

    public static async Task<HttpResponseMessage> RegisterAsync(ClusterFixture cluster, object registration) =>
        await cluster.PostAsync("api/datasets", JsonSerializer.Serialize(registration, ClusterFixture.Json));

    /// <summary>Waits until no job of the data set is queued or running, and returns it.</summary>
    public static async Task<JsonElement> WaitSettledAsync(ClusterFixture cluster, string name, TimeSpan timeout)
    {
        JsonElement view = default;
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            view = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/datasets/{name}");
            return view.GetProperty("tokenizations").EnumerateArray().All(t => t.GetProperty("status").GetString() is "Succeeded" or "Failed");
        }, timeout, $"data set {name} to be tokenized");
        return view;
    }

    public static JsonElement Tokenization(JsonElement dataset, string tokenizer) =>
        dataset.GetProperty("tokenizations").EnumerateArray().Single(t => t.GetProperty("tokenizer").GetString() == tokenizer);
}
