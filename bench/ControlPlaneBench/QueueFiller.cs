using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaleLab.Bench;

/// <summary>
/// Fills the scheduler's queue through the REST API, as users would: sweeps of at most <see cref="BenchOptions.RunsPerSweep"/>
/// tiny runs (a grid over seeds), alternating between the API keys (one owner each), one submission in flight per key.
/// </summary>
public sealed class QueueFiller(BenchOptions options)
{
    private readonly HttpClient _api = new() { BaseAddress = new Uri(options.ApiUrl), Timeout = TimeSpan.FromMinutes(10) };

    /// <summary>A run the simulated slots "train": small enough to fit any slot, valid for the spec checks.</summary>
    private static readonly JsonObject TinyRun = new()
    {
        ["task"] = "mqar", ["mqarVocab"] = 64, ["mqarPairs"] = 4, ["dModel"] = 16, ["nLayers"] = 1, ["nHeads"] = 2,
        ["seqLen"] = 16, ["batchSize"] = 4, ["tokens"] = 256, ["evalInterval"] = 1, ["logInterval"] = 1, ["checkpointInterval"] = 0,
    };

    /// <returns>Runs queued, and whether the submission cap stopped it early.</returns>
    public async Task<(int Runs, bool Capped)> SubmitAsync()
    {
        var sizes = Enumerable.Range(0, (options.Runs + options.RunsPerSweep - 1) / options.RunsPerSweep)
            .Select(i => Math.Min(options.RunsPerSweep, options.Runs - i * options.RunsPerSweep)).ToList();
        var clock = Stopwatch.StartNew();
        var cap = TimeSpan.FromSeconds(options.SubmitCapSeconds);
        var queued = 0;
        var capped = false;
        // Key k submits sweeps k, k + keys, k + 2·keys, ...: one submission in flight per owner.
        await Task.WhenAll(options.ApiKeys.Select(async (key, k) =>
        {
            for (var i = k; i < sizes.Count; i += options.ApiKeys.Length)
            {
                if (clock.Elapsed > cap) { capped = true; return; }
                await SubmitSweepAsync(key, $"control-plane-bench {i + 1} of {sizes.Count}", sizes[i]);
                var total = Interlocked.Add(ref queued, sizes[i]);
                Console.Error.WriteLine($"  {total,7} runs submitted after {clock.Elapsed.TotalSeconds,6:F1} s");
            }
        }));
        return (queued, capped);
    }

    private async Task SubmitSweepAsync(string key, string name, int runs)
    {
        var spec = new JsonObject
        {
            ["name"] = name, ["kind"] = "grid", ["base"] = TinyRun.DeepClone(),
            ["axes"] = new JsonObject { ["seed"] = new JsonArray(Enumerable.Range(1, runs).Select(s => (JsonNode)s).ToArray()) },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sweeps") { Content = JsonContent.Create(spec) };
        request.Headers.Add("X-Api-Key", key);
        using var response = await _api.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST api/sweeps ({name}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The scheduler's queue depth, as GET api/workers reports it.</summary>
    public async Task<int> QueuedRunsAsync()
    {
        var snapshot = await _api.GetFromJsonAsync<JsonElement>("api/workers");
        return snapshot.GetProperty("queuedRuns").GetInt32();
    }
}
