using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// A law fitted to a sweep's runs from the CLI (`submit --watch --fit`, `fit --sweep`): the service fits and stores
/// it, the CLI prints what it stored, as `./run.sh` shows it at the end of the demo.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CliSweepFitTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _spec = Path.Combine(Path.GetTempPath(), $"scalelab-it-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_spec);

    /// <summary>Three sizes by two token counts: six points, one degree of freedom more than Chinchilla's five parameters.</summary>
    private async Task WriteSpecAsync(string name) => await File.WriteAllTextAsync(_spec, $$$"""
        {"name":"{{{name}}}","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"evalInterval":10,"evalBatches":1,"logInterval":5,"warmupSteps":2},
         "axes":{"dModel":[16,32,48],"tokens":[1280,2560]}}
        """);

    [Fact]
    public async Task Submit_with_fit_prints_the_results_then_the_stored_law_with_its_intervals_and_warnings()
    {
        var name = $"it-cli-fit-{Guid.NewGuid().ToString("N")[..8]}";
        await WriteSpecAsync(name);

        var (exit, stdout, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(4), "submit", _spec, "--watch", "--fit", "chinchilla");

        Assert.True(exit == 0, stderr + stdout);
        var printed = OneLine(stdout);   // titles and long warnings wrap at the redirected console's width
        var sweepId = Guid.Parse(Regex.Match(stdout, @"Sweep ([0-9a-f-]{36}) accepted").Groups[1].Value);
        Assert.Contains($"Sweep {name} ({sweepId.ToString("N")[..8]}): Succeeded", printed);
        var fitId = Guid.Parse(Regex.Match(stdout, @"Stored as fit ([0-9a-f-]{36})").Groups[1].Value);
        var result = (await cluster.Api.GetFromJsonAsync<JsonObject>($"api/fits/{fitId}"))!["result"]!;
        Assert.Equal("chinchilla", result["law"]!.GetValue<string>());
        Assert.Equal(6, result["points"]!.GetValue<int>());
        var refits = result["bootstrapUsed"]!.GetValue<int>();
        Assert.True(refits > 0);
        Assert.Contains($"Chinchilla fit · all · 6 points · {refits} bootstrap refits", printed);
        foreach (var key in new[] { "E", "A", "B", "alpha", "beta" })
        {
            var interval = result["intervals"]![key]!.AsArray();
            // The row: the parameter, its estimate and its interval, each a whole cell.
            Assert.Matches(new Regex($@"(?m)^\W*{key}\W+{Regex.Escape(Format(result[key]))}\W+{Regex.Escape($"[{Format(interval[0])}, {Format(interval[1])}]")}"), stdout);
        }
        var warnings = result["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.StartsWith("too few points: 1 degrees of freedom", StringComparison.Ordinal));
        foreach (var warning in warnings) Assert.Contains("warning: " + OneLine(warning), printed);
    }

    [Fact]
    public async Task Fit_of_a_sweep_prints_the_same_json_the_api_returns_for_the_same_request()
    {
        await WriteSpecAsync($"it-cli-fit-json-{Guid.NewGuid().ToString("N")[..8]}");
        var submitted = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(4), "submit", _spec, "--watch");
        Assert.True(submitted.Exit == 0, submitted.Err + submitted.Out);
        var sweepId = Regex.Match(submitted.Out, @"Sweep ([0-9a-f-]{36}) accepted").Groups[1].Value;
        // It followed the sweep with `watch`'s display, in 80 columns.
        Assert.All(submitted.Out.ReplaceLineEndings("\n").Split('\n'), line => Assert.True(line.Length <= 80, line));
        Assert.Contains($"Details: scalelab sweep {sweepId}", submitted.Out);

        var (exit, stdout, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1),
            "fit", "--sweep", sweepId, "--law", "chinchilla", "--bootstrap", "20", "--seed", "3", "--json");

        Assert.True(exit == 0, stderr);
        using var response = await cluster.PostAsync("api/fits", $$"""{"law":"chinchilla","bootstrap":20,"seed":3,"sweepIds":["{{sweepId}}"]}""");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var api = (await response.Content.ReadFromJsonAsync<JsonObject>())!["result"];
        Assert.True(JsonNode.DeepEquals(api, JsonNode.Parse(stdout)), $"CLI: {stdout}{Environment.NewLine}API: {api}");
    }

    [Fact]
    public async Task Fit_of_several_sweeps_given_by_short_ids_fits_their_runs_together()
    {
        // Nine runs on a known Chinchilla law, five in one sweep and four in another (written to the database: no training).
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var runs = (from n in new[] { 1e5, 4e5, 1.6e6 } from d in new[] { 1e6, 4e6, 1.6e7 } select (N: n, D: d))
            .Select((p, i) => Point(i < 5 ? a : b, $"n{p.N:0}-d{p.D:0}", p.N, p.D)).ToList();
        await StoredSweeps.InsertAsync(cluster, a, "it-cli-fit-several-a", ScaleLab.Sweeps.SweepStatus.Succeeded, false, [.. runs.Take(5)]);
        await StoredSweeps.InsertAsync(cluster, b, "it-cli-fit-several-b", ScaleLab.Sweeps.SweepStatus.Succeeded, false, [.. runs.Skip(5)]);

        var (exit, stdout, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1),
            "fit", "--sweeps", a.ToString("N")[..8], b.ToString("N")[..8], "--law", "chinchilla");

        Assert.True(exit == 0, stderr + stdout);
        var fitId = Guid.Parse(Regex.Match(stdout, @"Stored as fit ([0-9a-f-]{36})").Groups[1].Value);
        var fit = (await cluster.Api.GetFromJsonAsync<JsonObject>($"api/fits/{fitId}"))!;
        Assert.Equal([a, b], fit["inputs"]!["request"]!["sweepIds"]!.AsArray().Select(id => id!.GetValue<Guid>()));
        Assert.Equal(9, fit["result"]!["points"]!.GetValue<int>());
    }

    /// <summary>A finished run whose final validation loss is L = 1.69 + 406.4/N^0.34 + 410.7/D^0.28 (Hoffmann et al.).</summary>
    private static Orchestrator.Runs.RunRecord Point(Guid sweepId, string name, double n, double d)
    {
        var run = StoredSweeps.Run(Guid.NewGuid(), sweepId, name);
        (run.NonEmbeddingParameters, run.TotalParameters, run.TokensSeen, run.PlannedTokens, run.PlannedFlops) = ((long)n, (long)n, (long)d, (long)d, 6 * n * d);
        run.FinalValLoss = 1.69 + 406.4 / Math.Pow(n, 0.34) + 410.7 / Math.Pow(d, 0.28);
        return run;
    }

    [Fact]
    public async Task Fit_refuses_a_file_and_sweeps_together()
    {
        var (exit, _, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1),
            "fit", "examples/fits/isoflop-synthetic.csv", "--sweep", Guid.NewGuid().ToString());

        Assert.NotEqual(0, exit);
        Assert.Contains("give a CSV file or --sweep, not both or neither", stderr);
    }

    [Fact]
    public async Task Submit_refuses_fit_without_watch_and_submits_nothing()
    {
        var name = $"it-cli-fit-nowatch-{Guid.NewGuid().ToString("N")[..8]}";
        await WriteSpecAsync(name);

        var (exit, _, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), "submit", _spec, "--fit", "isoflop");

        Assert.NotEqual(0, exit);
        Assert.Contains("--fit needs --watch", stderr);
        var sweeps = await cluster.Api.GetFromJsonAsync<JsonObject>($"api/sweeps?search={name}");
        Assert.Equal(0, sweeps!["total"]!.GetValue<int>());
    }

    /// <summary>A number as the CLI's fit table writes it.</summary>
    private static string Format(JsonNode? node) => ScaleLab.Scaling.NumberFormat.Short(node!.GetValue<double>());

    private static string OneLine(string text) => Regex.Replace(text, @"\s+", " ");
}
