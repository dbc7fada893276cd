using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Datasets;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// `--json` on the commands that change things, as a script runs them: stdout is one JSON document and nothing else
/// (JsonDocument.Parse refuses anything before or after it), the API's answer or, where the API's has no body, what was done.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CliJsonTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _spec = Path.Combine(Path.GetTempPath(), $"scalelab-it-{Guid.NewGuid():N}.json");
    private readonly string _folder = DatasetTestData.NewFolder(cluster.Root);

    public void Dispose()
    {
        File.Delete(_spec);
        Directory.Delete(_folder, recursive: true);
    }

    private Task<(int Exit, string Out, string Err)> Cli(TimeSpan timeout, params string[] args) => ScalelabProcess.RunAsync(cluster, timeout, args);

    private Task<(int Exit, string Out, string Err)> Cli(params string[] args) => Cli(TimeSpan.FromMinutes(1), args);

    private static JsonElement Json((int Exit, string Out, string Err) cli)
    {
        Assert.True(cli.Exit == 0, cli.Err + cli.Out);
        return JsonDocument.Parse(cli.Out).RootElement;
    }

    [Fact]
    public async Task Submit_prints_the_accepted_sweep_alone()
    {
        var name = $"it-cli-json-submit-{Guid.NewGuid().ToString("N")[..8]}";
        await File.WriteAllTextAsync(_spec, $$$"""{"name":"{{{name}}}","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280},"axes":{"dModel":[16,32]}}""");

        var accepted = Json(await Cli("submit", _spec, "--json"));

        var sweepId = accepted.GetProperty("sweepId").GetGuid();
        Assert.Equal(2, accepted.GetProperty("runCount").GetInt32());
        var sweep = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("sweep");
        Assert.Equal(name, sweep.GetProperty("name").GetString());
        (await cluster.PostAsync($"api/sweeps/{sweepId}/cancel")).Dispose();   // nothing more to learn from its runs
    }

    [Fact]
    public async Task Submit_watch_fit_prints_the_stored_fit_alone()
    {
        // Three sizes by two token counts: six points, one more than Chinchilla's five parameters.
        var name = $"it-cli-json-fit-{Guid.NewGuid().ToString("N")[..8]}";
        await File.WriteAllTextAsync(_spec, $$$"""
            {"name":"{{{name}}}","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"evalInterval":10,"evalBatches":1,"logInterval":5,"warmupSteps":2},
             "axes":{"dModel":[16,32,48],"tokens":[1280,2560]}}
            """);

        var fit = Json(await Cli(TimeSpan.FromMinutes(4), "submit", _spec, "--watch", "--fit", "chinchilla", "--json"));

        var sweepId = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps?search={name}")).GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid();
        var stored = (await cluster.Api.GetFromJsonAsync<JsonElement>("api/fits?pageSize=200")).GetProperty("items").EnumerateArray()
            .Single(f => f.GetProperty("sweepIds").EnumerateArray().Select(s => s.GetGuid()).SequenceEqual([sweepId]));
        var result = (await cluster.Api.GetFromJsonAsync<JsonObject>($"api/fits/{stored.GetProperty("id").GetGuid()}"))!["result"];
        Assert.True(JsonNode.DeepEquals(result, JsonNode.Parse(fit.GetRawText())), $"CLI: {fit}{Environment.NewLine}API: {result}");
        Assert.Equal("chinchilla", fit.GetProperty("law").GetString());
        Assert.Equal(6, fit.GetProperty("points").GetInt32());
        Assert.Equal(200, fit.GetProperty("bootstrap").GetInt32());   // SubmitCommand.FitBootstrap
    }

    [Fact]
    public async Task Schedule_commands_print_the_schedule_or_what_was_done_to_it()
    {
        var name = $"it-cli-json-schedule-{Guid.NewGuid().ToString("N")[..6]}";
        await File.WriteAllTextAsync(_spec, """{"name":"scheduled","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280},"axes":{"dModel":[16]}}""");

        var created = Json(await Cli("schedules", "create", name, "0 3 * * *", _spec, "--time-zone", "Europe/Paris", "--json"));
        var id = created.GetProperty("id").GetGuid();
        var shortId = id.ToString("N")[..8];
        var paused = Json(await Cli("schedules", "pause", shortId, "--json"));
        var resumed = Json(await Cli("schedules", "resume", shortId, "--json"));
        var triggered = Json(await Cli("schedules", "trigger", shortId, "--json"));
        var deleted = Json(await Cli("schedules", "delete", shortId, "--json"));

        Assert.Equal((name, "0 3 * * *", "Europe/Paris", false),
            (created.GetProperty("name").GetString(), created.GetProperty("cron").GetString(), created.GetProperty("timeZone").GetString(), created.GetProperty("paused").GetBoolean()));
        Assert.Equal((id, true), (paused.GetProperty("id").GetGuid(), paused.GetProperty("paused").GetBoolean()));
        Assert.Equal((id, false), (resumed.GetProperty("id").GetGuid(), resumed.GetProperty("paused").GetBoolean()));
        Assert.Equal((id, true), (triggered.GetProperty("scheduleId").GetGuid(), triggered.GetProperty("triggered").GetBoolean()));
        Assert.Equal((id, true), (deleted.GetProperty("scheduleId").GetGuid(), deleted.GetProperty("deleted").GetBoolean()));
        using var gone = await cluster.Api.GetAsync($"api/schedules/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Datasets_add_prints_the_tokenized_data_set_alone()
    {
        var text = DatasetTestData.Words(300, 2000);
        await File.WriteAllTextAsync(Path.Combine(_folder, "00.txt"), text);
        var name = $"it-cli-json-{Guid.NewGuid().ToString("N")[..8]}";

        var added = Json(await Cli("datasets", "add", name, _folder, "--tokenizer", "bytes", "--json"));

        var dataset = added.Deserialize<DatasetView>(ClusterFixture.Json)!;
        Assert.Equal(DatasetStatus.Ready, dataset.Status);
        var bytes = Assert.Single(dataset.Tokenizations);
        Assert.Equal((DatasetTokenizers.Bytes, TokenizationStatus.Succeeded, (long?)Encoding.UTF8.GetByteCount(text)), (bytes.Tokenizer, bytes.Status, bytes.Tokens));
        var api = (await cluster.Api.GetFromJsonAsync<DatasetView>($"api/datasets/{name}", ClusterFixture.Json))!;
        var none = Array.Empty<TokenizationView>();   // records compare lists by reference: the lists are compared below
        Assert.Equal(api with { Tokenizations = none }, dataset with { Tokenizations = none });
        Assert.Equal(api.Tokenizations, dataset.Tokenizations);
    }
}
