using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace ScaleLab.IntegrationTests;

/// <summary>Faults with real processes: a Worker silo killed with SIGKILL in the middle of a run.</summary>
[Collection(TwoWorkerClusterCollection.Name)]
public class WorkerFailureTests(TwoWorkerClusterFixture cluster)
{
    [Fact]
    public async Task Killed_worker_run_resumes_from_its_last_checkpoint_on_another_worker()
    {
        const string spec = """
            {"name":"it-kill-worker","base":{"dModel":64,"nLayers":2,"nHeads":4,"seqLen":128,"batchSize":16,"tokens":1228800,
             "evalInterval":100,"evalBatches":2,"logInterval":10,"checkpointInterval":50,"warmupSteps":20}}
            """; // 600 steps of about 50 ms
        using var response = await cluster.PostAsync("api/sweeps", spec);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();

        // Let the first attempt pass its step-100 checkpoint, then kill its worker without warning.
        JsonElement run = default;
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            run = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("runs")[0];
            return run.GetProperty("stepsDone").GetInt32() >= 130;
        }, TimeSpan.FromMinutes(3), "the run to pass step 130");
        var runId = run.GetProperty("id").GetGuid();
        var killedSlot = run.GetProperty("slotId").GetString()!;
        // Metric points reach the database in batches shortly after progress does; kill once three are stored.
        var firstAttempt = new Dictionary<int, double>();
        // Kill between checkpoints, so some stored points lie past the checkpoint the next attempt will resume from.
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            firstAttempt = await LossesAsync(runId, afterStep: 100);
            return firstAttempt.Count >= 3 && firstAttempt.Keys.Max() % 50 != 0;
        }, TimeSpan.FromSeconds(60), "the first attempt's points past a checkpoint");
        var killedAt = DateTime.UtcNow;
        cluster.Workers[PortOf(killedSlot)].Kill(); // SIGKILL

        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(5));

        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());
        var finished = sweep.GetProperty("runs")[0];
        Assert.Equal(2, finished.GetProperty("attempt").GetInt32());
        Assert.NotEqual(killedSlot, finished.GetProperty("slotId").GetString());
        Assert.Equal(600, finished.GetProperty("stepsDone").GetInt32());

        // Nothing lost, nothing duplicated: one loss point per logged step, 60 in all.
        var lossSteps = (await LossesAsync(runId, afterStep: 0)).Keys.ToHashSet();
        var missing = Enumerable.Range(1, 60).Select(i => i * 10).Where(step => !lossSteps.Contains(step)).ToList();
        Assert.True(missing.Count == 0, $"loss points missing at steps {string.Join(", ", missing)}");
        Assert.Equal(60, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{runId}' AND name = 'loss'"));
        Assert.Equal(60, await cluster.ScalarAsync($"SELECT count(DISTINCT step) FROM metrics WHERE run_id = '{runId}' AND name = 'loss'"));
        // The second attempt resumed from the first one's latest checkpoint (a multiple of 50, at least 100), not from step 0;
        // points up to that checkpoint are still the first attempt's.
        var resumedAt = (int)await cluster.ScalarAsync($"SELECT min(step) FROM metrics WHERE run_id = '{runId}' AND attempt = 2") - 10;
        Assert.True(resumedAt >= 100 && resumedAt % 50 == 0 && resumedAt < firstAttempt.Keys.Max(), $"resumed at {resumedAt}");
        Assert.Equal(resumedAt / 10, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{runId}' AND name = 'loss' AND attempt = 1"));
        // And it reproduced, bit for bit, what the killed attempt had logged after that checkpoint.
        var secondAttempt = await LossesAsync(runId, afterStep: resumedAt);
        var overlap = firstAttempt.Where(kv => kv.Key > resumedAt).ToList();
        Assert.NotEmpty(overlap);
        foreach (var (step, loss) in overlap) Assert.Equal(loss, secondAttempt[step]);

        // The run's log says what happened: the heartbeat loss, the re-queue, and the resume on another worker.
        var log = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{runId}/logs")).EnumerateArray()
            .Select(l => l.GetProperty("message").GetString()!).ToList();
        // Re-queued when the cluster declared the killed silo dead, or at the latest when its heartbeats lapsed.
        Assert.Contains(log, m => m == $"re-queued: the silo of slot {killedSlot} is dead"
            || m.StartsWith($"re-queued: slot {killedSlot} missed its heartbeats", StringComparison.Ordinal));
        Assert.Contains(log, m => m.Contains($"resuming from the checkpoint at step {resumedAt}", StringComparison.Ordinal));
        Assert.Contains(log, m => m.StartsWith("attempt 2 assigned to slot", StringComparison.Ordinal));

        var recoverySeconds = (DateTime.UtcNow - killedAt).TotalSeconds;
        Assert.True(recoverySeconds < 240, $"took {recoverySeconds:F0} s");
    }

    [Fact]
    public async Task Restarted_workers_slots_replace_their_predecessors_and_a_new_run_starts_as_attempt_1()
    {
        // Every worker killed and started again on its port: new generations, while the scheduler still holds the old
        // slots (their heartbeats lapse only after 30 s). Offering a run to a dead slot would cost it an attempt.
        var ports = cluster.Workers.Keys.ToList();
        var before = await SlotIdsAsync();
        foreach (var port in ports)
        {
            cluster.Workers[port].Kill(entireProcessTree: true);
            await cluster.Workers[port].WaitForExitAsync();
        }
        foreach (var port in ports) cluster.StartWorker(port);
        await ClusterFixture.WaitUntilAsync(async () => (await SlotIdsAsync()).Count(id => !before.Contains(id)) == ports.Count,
            TimeSpan.FromSeconds(120), "the restarted workers' slots");   // as long as the fixture gives them at start: CI has 2 loaded cores

        using var response = await cluster.PostAsync("api/sweeps", """
            {"name":"it-after-restart","base":{"dModel":16,"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":2,"tokens":320,
             "logInterval":5,"evalInterval":10,"evalBatches":1,"checkpointInterval":0}}
            """);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        var run = (await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(2))).GetProperty("runs")[0];

        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("attempt").GetInt32());
        Assert.DoesNotContain(run.GetProperty("slotId").GetString(), before);
        var log = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{run.GetProperty("id").GetGuid()}/logs")).EnumerateArray()
            .Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.DoesNotContain(log, m => m.StartsWith("re-queued", StringComparison.Ordinal));
        Assert.Empty((await SlotIdsAsync()).Intersect(before));   // the dead generations' slots are gone
    }

    private async Task<List<string>> SlotIdsAsync() =>
        (await cluster.Api.GetFromJsonAsync<JsonElement>("api/workers")).GetProperty("slots").EnumerateArray()
            .Select(s => s.GetProperty("slot").GetProperty("slotId").GetString()!).ToList();

    private async Task<Dictionary<int, double>> LossesAsync(Guid runId, int afterStep)
    {
        await using var connection = new NpgsqlConnection(cluster.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT step, value FROM metrics WHERE run_id = '{runId}' AND name = 'loss' AND step > {afterStep}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var losses = new Dictionary<int, double>();
        while (await reader.ReadAsync()) losses[reader.GetInt32(0)] = reader.GetDouble(1);
        return losses;
    }

    /// <summary>Slot ids are "{ip}:{port}@{generation}/{device}"; the port says which worker process owns it.</summary>
    private static int PortOf(string slotId) => int.Parse(slotId.Split('@')[0].Split(':')[1]);
}
