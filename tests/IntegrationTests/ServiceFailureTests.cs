using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

/// <summary>The control plane failing under a running sweep: the orchestrator process killed, PostgreSQL restarted.</summary>
[Collection(TwoWorkerClusterCollection.Name)]
public class ServiceFailureTests(TwoWorkerClusterFixture cluster)
{
    // Six runs of about 60 steps (~3 s each) on two workers: long enough to fail in the middle of.
    private const string Spec = """
        {"name":"NAME","base":{"dModel":64,"nLayers":2,"nHeads":4,"seqLen":128,"batchSize":16,"tokens":122880,
         "evalInterval":30,"evalBatches":2,"logInterval":10,"checkpointInterval":30,"warmupSteps":10},
         "axes":{"seed":[1,2,3,4,5,6]}}
        """;

    private async Task<Guid> SubmitAsync(string name)
    {
        using var response = await cluster.PostAsync("api/sweeps", Spec.Replace("NAME", name));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
    }

    private async Task WaitForFinishedRunsAsync(Guid sweepId, int count) =>
        await ClusterFixture.WaitUntilAsync(async () =>
            (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("runs").EnumerateArray()
                .Count(r => r.GetProperty("status").GetString() == "Succeeded") >= count, TimeSpan.FromMinutes(3), $"{count} finished runs");

    private async Task AssertCompleteAndExactAsync(Guid sweepId)
    {
        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(6));
        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());
        Assert.Equal(6, sweep.GetProperty("sweep").GetProperty("runsFinished").GetInt32());
        Assert.All(sweep.GetProperty("runs").EnumerateArray(), r => Assert.Equal("Succeeded", r.GetProperty("status").GetString()));
        // Every logged step of every run is there exactly once (6 runs x 6 log steps).
        Assert.Equal(36, await cluster.ScalarAsync(
            $"SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.sweep_id = '{sweepId}' AND m.name = 'loss'"));
        Assert.Equal(36, await cluster.ScalarAsync(
            $"SELECT count(DISTINCT (m.run_id, m.step)) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.sweep_id = '{sweepId}' AND m.name = 'loss'"));
        Assert.Equal(6, await cluster.ScalarAsync(
            $"SELECT count(*) FROM artifacts a JOIN runs r ON r.id = a.run_id WHERE r.sweep_id = '{sweepId}' AND a.kind = 'checkpoint'"));
    }

    [Fact]
    public async Task Killed_and_restarted_orchestrator_finishes_every_accepted_sweep()
    {
        var sweepId = await SubmitAsync("it-kill-orchestrator");
        await WaitForFinishedRunsAsync(sweepId, 1);

        cluster.Orchestrator!.Kill(); // SIGKILL: grains, scheduler and API die with it
        await cluster.Orchestrator.WaitForExitAsync();
        await cluster.StartOrchestratorAsync();

        await AssertCompleteAndExactAsync(sweepId);
    }

    [Fact]
    public async Task Blob_storage_unreachable_for_30_seconds_fails_no_run()
    {
        var sweepId = await SubmitAsync("it-blob-outage");
        await WaitForFinishedRunsAsync(sweepId, 1);

        await cluster.CutBlobStorageAsync(TimeSpan.FromSeconds(30)); // runs finish meanwhile and must wait to store checkpoints

        await AssertCompleteAndExactAsync(sweepId);
    }

    [Fact]
    public async Task Postgres_restarted_mid_sweep_fails_no_run()
    {
        var sweepId = await SubmitAsync("it-restart-postgres");
        await WaitForFinishedRunsAsync(sweepId, 1);

        await cluster.RestartPostgresAsync(TimeSpan.FromSeconds(5));
        // Submitting right after the restart works too (the orchestrator's pooled connections died with the server).
        var afterRestart = await SubmitAsync("it-after-postgres-restart");

        await AssertCompleteAndExactAsync(sweepId);
        await AssertCompleteAndExactAsync(afterRestart);
    }
}
