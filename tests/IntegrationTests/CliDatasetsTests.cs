using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScaleLab.Datasets;

namespace ScaleLab.IntegrationTests;

/// <summary>`scalelab datasets` as a user runs it against the real stack: a separate process, a worker tokenizing, errors on stderr.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CliDatasetsTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _folder = DatasetTestData.NewFolder(cluster.Root);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string UniqueName() => $"it-cli-{Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task Datasets_add_waits_for_the_tokenizers_and_prints_the_exact_statistics_that_show_and_the_api_report()
    {
        var files = Enumerable.Range(0, 3).Select(i => DatasetTestData.Words(200 + i, 3000)).ToArray();   // about 17 KB each
        for (var i = 0; i < files.Length; i++) await File.WriteAllTextAsync(Path.Combine(_folder, $"{i:D2}.txt"), files[i]);
        var bytes = files.Sum(f => (long)Encoding.UTF8.GetByteCount(f));
        var name = UniqueName();

        var (exit, stdout, stderr) = await RunAsync("datasets", "add", name, _folder, "--tokenizer", "bytes", "--tokenizer", "gpt2");

        Assert.True(exit == 0, stderr + stdout);
        var api = (await cluster.Api.GetFromJsonAsync<DatasetView>($"api/datasets/{name}", ClusterFixture.Json))!;
        Assert.Equal(DatasetStatus.Ready, api.Status);
        Assert.Equal((3, 3, bytes), (api.Files, api.Documents, api.Bytes));
        Assert.Matches($@"\bBytes\s+{Regex.Escape(N(bytes))}\s", stdout);
        Assert.Matches(@"\bDocuments\s+3\s", stdout);
        Assert.Contains(api.ContentHash!, stdout);
        // bytes: one token per UTF-8 byte and no separator between documents (it has no end-of-text); the last 1% held out.
        var held = Math.Max(1, (long)Math.Round(bytes * 0.01));
        Assert.Matches(Row("bytes", "Succeeded", N(bytes), N(bytes - held), N(held)), stdout);
        var gpt2 = api.Tokenizations.Single(t => t.Tokenizer == DatasetTokenizers.Gpt2);
        Assert.Matches(Row("gpt2", "Succeeded", N(gpt2.Tokens!.Value), N(gpt2.TrainTokens!.Value), N(gpt2.ValidationTokens!.Value)), stdout);

        var show = await RunAsync("datasets", "show", name, "--json");

        Assert.True(show.Exit == 0, show.Err);
        var shown = JsonSerializer.Deserialize<DatasetView>(show.Out, ClusterFixture.Json)!;
        var none = Array.Empty<TokenizationView>();
        Assert.Equal(api with { Tokenizations = none }, shown with { Tokenizations = none });
        Assert.Equal(api.Tokenizations, shown.Tokenizations);
    }

    [Fact]
    public async Task Datasets_add_with_a_relative_source_exits_2_naming_the_field_and_registers_nothing()
    {
        var name = UniqueName();

        var (exit, stdout, stderr) = await RunAsync("datasets", "add", name, "relative/corpus", "--tokenizer", "bytes");

        Assert.Equal(2, exit);
        Assert.Contains("  source: ", stderr);
        Assert.Equal("", stdout);
        using var response = await cluster.Api.GetAsync($"api/datasets/{name}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A table row: the tokenizer, then these cells in order, each a whole cell (not part of a longer number).</summary>
    private static Regex Row(string tokenizer, params string[] cells) =>
        new($@"(?m)^.*\b{tokenizer}\b.*" + string.Join(".*", cells.Select(c => $@"(?<![\w,]){Regex.Escape(c)}(?![\w,])")));

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), args);
}
