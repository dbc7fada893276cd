using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using ScaleLab.IntegrationTests.Chaos;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using Xunit.Abstractions;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// A study trained through kills (issue #18, "Chaos"): every 30 s a Worker silo chosen at random is SIGKILLed and a
/// replacement started on a new port, and once the orchestrator is SIGKILLed and restarted. Then the database is
/// audited (<see cref="ChaosAudit"/>) and the figures printed as a table. SCALELAB_CHAOS_MINUTES sets how long the
/// kills go on (default 3; the study grows with it: bench/chaos.sh runs 10), SCALELAB_CHAOS_SEED replays the kills of
/// a seed an earlier run printed.
/// </summary>
[Collection(ThreeWorkerClusterCollection.Name)]
public class ChaosTests(ThreeWorkerClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Cadence = TimeSpan.FromSeconds(30);

    private static readonly double Minutes =
        double.TryParse(Environment.GetEnvironmentVariable("SCALELAB_CHAOS_MINUTES"), CultureInfo.InvariantCulture, out var m) && m > 0 ? m : 3;

    /// <summary>50 runs per 3 minutes of chaos: enough that the study outlasts the kills on the 2-core CI machine.</summary>
    private static int RunCount => 5 * (int)Math.Ceiling(10 * Minutes / 3);

    // Tiny CPU runs: 480 to 2,400 steps of about 3 ms alone (4 to 16 s with three workers on two cores), a loss
    // point every 10 steps, a checkpoint every 100. The last axis varies fastest, so short and long runs alternate.
    private static string Spec(int runs) => $$$"""
        {"name":"it-chaos","base":{"dModel":32,"nLayers":1,"nHeads":2,"seqLen":32,"batchSize":8,"warmupSteps":10,
         "evalInterval":500,"evalBatches":1,"finalEvalTokens":0,"logInterval":10,"checkpointInterval":100},
         "axes":{"seed":[{{{string.Join(",", Enumerable.Range(1, runs / 5))}}}],"tokens":[122880,245760,368640,491520,614400]}}
        """;

    [Fact]
    public async Task Every_run_and_logged_step_survives_random_worker_kills_and_an_orchestrator_kill_exactly_once()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SCALELAB_CHAOS_SEED"), out var s) ? s : Random.Shared.Next();
        Say($"chaos seed {seed} (replay: SCALELAB_CHAOS_SEED={seed}), {Minutes:0.#} min of kills, {RunCount} runs");
        var duration = TimeSpan.FromMinutes(Minutes);
        var plan = ChaosPlan.Create(seed, duration, Cadence, cluster.Workers.Count);
        await RecordLossWritesAsync();

        using var response = await cluster.PostAsync("api/sweeps", Spec(RunCount));
        response.EnsureSuccessStatusCode();
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        var clock = Stopwatch.StartNew();
        var kills = await RunChaosAsync(sweepId, plan, clock);
        var chaosLasted = clock.Elapsed;
        // A study that does not finish is audited too: the table then says what went wrong.
        var finished = await FinishesAsync(cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(5 + 2 * Minutes)));
        var studyLasted = clock.Elapsed;

        var study = await ReadStudyAsync(sweepId);
        var (sweepStatus, runsFinished) = await ReadSweepAsync(sweepId);
        var notExactlyOnce = ChaosAudit.RunsNotSucceededExactlyOnce(study);
        var lostSteps = ChaosAudit.LostOrDuplicatedSteps(study);
        var badResumes = ChaosAudit.ResumesNotFromStoredCheckpoints(study);
        var requeues = ChaosAudit.Requeues(study, kills);
        var wasted = ChaosAudit.WastedSteps(study);
        var totalSteps = study.Runs.Sum(r => (long)r.TotalSteps);
        var latencies = requeues.Select(r => r.Latency).ToList();

        Say("");
        Say($"| chaos audit, seed {seed} | |");
        Say("|---|---|");
        Say($"| study | {study.Runs.Count} runs, {totalSteps:N0} steps, {studyLasted.TotalMinutes:F1} min |");
        Say($"| chaos | {chaosLasted.TotalMinutes:F1} min, a worker killed every {Cadence.TotalSeconds:0} s |");
        Say($"| kills survived | {kills.Count(k => k.Target == ChaosTarget.Worker)} worker, {kills.Count(k => k.Target == ChaosTarget.Orchestrator)} orchestrator |");
        Say($"| attempts re-queued (Requeued events) | {study.Lines.Count(l => l.Kind == RunEventKind.Requeued)} |");
        Say($"| runs on a killed worker, assigned again | {requeues.Count} |");
        Say(latencies.Count == 0 ? "| re-queue latency, kill to next assignment | - |"
            : $"| re-queue latency, kill to next assignment | p50 {ChaosAudit.Percentile(latencies, 0.5).TotalSeconds:F1} s, max {latencies.Max().TotalSeconds:F1} s |");
        Say($"| resumes from a checkpoint | {study.Lines.Count(l => l.Kind == RunEventKind.Resumed)} |");
        Say($"| wasted compute (logged, then redone) | {wasted:N0} of {totalSteps:N0} steps ({100.0 * wasted / totalSteps:F2} %) |");
        Say($"| runs not succeeded exactly once | {notExactlyOnce.Count} |");
        Say($"| loss steps lost or duplicated | {lostSteps.Count} runs |");
        Say($"| resumes not from a stored checkpoint | {badResumes.Count} |");
        Say($"| sweep | {sweepStatus}, {runsFinished} of {RunCount} runs finished |");
        foreach (var fault in notExactlyOnce.Concat(lostSteps).Concat(badResumes)) Say("fault: " + fault);

        Assert.True(finished, $"the study did not finish within {studyLasted.TotalMinutes:F0} min");
        Assert.True(notExactlyOnce.Count == 0, "EXACTLY-ONCE VIOLATED, runs: " + string.Join("; ", notExactlyOnce));
        Assert.True(lostSteps.Count == 0, "METRIC STEPS LOST OR DUPLICATED: " + string.Join("; ", lostSteps));
        Assert.True(badResumes.Count == 0, "RESUMES NOT FROM A STORED CHECKPOINT: " + string.Join("; ", badResumes));
        Assert.Equal((SweepStatus.Succeeded, RunCount), (sweepStatus, runsFinished));
        Assert.Equal(RunCount, study.Runs.Count);
        // The audit means something only if the kills hit training: the study outlasted them, and runs were taken back.
        Assert.True(chaosLasted >= duration, $"the study finished after {chaosLasted.TotalSeconds:F0} s, before the chaos ended: make it longer");
        Assert.NotEmpty(requeues);
    }

    /// <summary>Kills as planned, a worker's replacement started at once; stops early if the study has finished.</summary>
    private async Task<List<Kill>> RunChaosAsync(Guid sweepId, IReadOnlyList<ChaosStep> plan, Stopwatch clock)
    {
        var live = cluster.Workers.Keys.ToList(); // oldest first
        var kills = new List<Kill>();
        foreach (var step in plan)
        {
            if (step.At > clock.Elapsed) await Task.Delay(step.At - clock.Elapsed); // the chaos cadence
            if ((await ReadSweepAsync(sweepId)).Status is not (SweepStatus.Queued or SweepStatus.Running)) break;
            var at = DateTimeOffset.UtcNow;
            if (step.Target == ChaosTarget.Worker)
            {
                var port = live[step.WorkerIndex];
                await KillAsync(cluster.Workers[port]);
                cluster.Workers.Remove(port);
                live.Remove(port);
                var replacement = ClusterFixture.FreePort();
                cluster.StartWorker(replacement);
                live.Add(replacement);
                kills.Add(new Kill(at, ChaosTarget.Worker, port));
                Say($"{clock.Elapsed:mm\\:ss} killed worker :{port}, started :{replacement}");
            }
            else
            {
                await KillAsync(cluster.Orchestrator!);
                kills.Add(new Kill(at, ChaosTarget.Orchestrator, null));
                await cluster.StartOrchestratorAsync();
                Say($"{clock.Elapsed:mm\\:ss} killed the orchestrator; it answered again after {(DateTimeOffset.UtcNow - at).TotalSeconds:F0} s");
            }
        }
        return kills;
    }

    private readonly List<string> _report = [];

    /// <summary>A line of the test's output, also kept for .data/test-logs/chaos-report.md (a passing test's output is shown only at detailed verbosity).</summary>
    private void Say(string line)
    {
        output.WriteLine(line);
        _report.Add(line);
        File.WriteAllLines(Path.Combine(cluster.Root, ".data", "test-logs", "chaos-report.md"), _report);
    }

    private static async Task<bool> FinishesAsync(Task wait)
    {
        try
        {
            await wait;
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task KillAsync(Process process)
    {
        process.Kill(); // SIGKILL
        await process.WaitForExitAsync();
    }

    /// <summary>
    /// Every stored loss point, also those a later attempt overwrites, into the test's own table chaos_loss_writes:
    /// which steps each attempt logged is what resumes and wasted compute are measured by.
    /// </summary>
    private async Task RecordLossWritesAsync()
    {
        await using var db = NpgsqlDataSource.Create(cluster.PostgresConnectionString);
        await using var command = db.CreateCommand("""
            CREATE TABLE IF NOT EXISTS chaos_loss_writes (run_id uuid NOT NULL, step integer NOT NULL, attempt integer NOT NULL);
            CREATE OR REPLACE FUNCTION chaos_record_loss_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO chaos_loss_writes (run_id, step, attempt) VALUES (NEW.run_id, NEW.step, NEW.attempt);
                RETURN NULL;
            END $$;
            CREATE OR REPLACE TRIGGER chaos_loss_writes AFTER INSERT OR UPDATE ON metrics
                FOR EACH ROW WHEN (NEW.name = 'loss') EXECUTE FUNCTION chaos_record_loss_write();
            """);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<(SweepStatus Status, int RunsFinished)> ReadSweepAsync(Guid sweepId) =>
        (await ReadAsync($"SELECT status, runs_finished FROM sweeps WHERE id = '{sweepId}'", r => (Enum.Parse<SweepStatus>(r.GetString(0)), r.GetInt32(1))))[0];

    private async Task<StudyRecord> ReadStudyAsync(Guid sweepId)
    {
        var ofStudy = $"JOIN runs r ON r.id = x.run_id WHERE r.sweep_id = '{sweepId}'";
        return new StudyRecord(
            await ReadAsync($"SELECT id, status, total_steps, (config->>'logInterval')::int, coalesce((config->>'checkpointInterval')::int, 0) FROM runs WHERE sweep_id = '{sweepId}'",
                r => new StudyRun(r.GetGuid(0), Enum.Parse<RunStatus>(r.GetString(1)), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4))),
            await ReadAsync($"SELECT x.id, x.run_id, x.attempt, x.at, x.kind, x.slot, x.step FROM run_events x {ofStudy} ORDER BY x.id",
                r => new RunLine(r.GetInt64(0), r.GetGuid(1), r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3), Enum.Parse<RunEventKind>(r.GetString(4)),
                    r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetInt32(6))),
            await ReadAsync($"SELECT x.run_id, x.step, x.attempt FROM metrics x {ofStudy} AND x.name = 'loss'",
                r => new LossPoint(r.GetGuid(0), r.GetInt32(1), r.GetInt32(2))),
            await ReadAsync($"SELECT x.run_id, x.step, x.attempt FROM chaos_loss_writes x {ofStudy}",
                r => new LossPoint(r.GetGuid(0), r.GetInt32(1), r.GetInt32(2))));
    }

    private async Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> row)
    {
        await using var connection = new NpgsqlConnection(cluster.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(row(reader));
        return rows;
    }
}
