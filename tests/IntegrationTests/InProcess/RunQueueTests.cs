using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Scheduling;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// The scheduler's queue in PostgreSQL (<see cref="RunQueue"/>), on the in-process host's own database. That host has
/// no worker silo, so its scheduler never claims: what these tests queue and claim is theirs alone.
/// </summary>
[Collection(ClusterCollection.Name)]
public class RunQueueTests(ClusterFixture cluster) : IAsyncLifetime
{
    private static readonly RunConfig Small = new() { DModel = 32, NLayers = 1, NHeads = 2, SeqLen = 32, BatchSize = 2 };
    private static readonly RunConfig Big = new() { DModel = 768, NLayers = 12, NHeads = 12, SeqLen = 1024, BatchSize = 16, Tokenizer = "bpe", BpeVocab = 50304 };

    private InProcessOrchestrator _host = null!;
    private RunQueue Queue => _host.Get<RunQueue>();

    public async Task InitializeAsync() => _host = await cluster.InProcessAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static WorkerSlot Cpu(string id, long memory) => new(id, DeviceKinds.Cpu, 0, "CPU", memory, null);

    /// <summary>A sweep and its runs as SweepStore writes them: the given configs in order, named r0, r1, ...</summary>
    private async Task<(Guid Sweep, Guid[] Runs)> SeedAsync(params RunConfig[] configs)
    {
        await using var db = await _host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync();
        var sweepId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        db.Sweeps.Add(new SweepRecord { Id = sweepId, Name = "queue-test", Kind = StudyKinds.Grid, SpecJson = "{}", Owner = "key test", RunCount = configs.Length, CreatedAt = now });
        var runs = configs.Select((c, i) => new RunRecord
        {
            Id = Guid.CreateVersion7(), SweepId = sweepId, Name = $"r{i}", ConfigJson = JsonSerializer.Serialize(c, SpecJson.Options), CreatedAt = now,
        }).ToArray();
        db.Runs.AddRange(runs);
        await db.SaveChangesAsync();
        return (sweepId, runs.Select(r => r.Id).ToArray());
    }

    private async Task<ClaimedRun?> ClaimOneAsync(Guid sweep, WorkerSlot slot, DateTimeOffset now, (Guid RunId, string SlotId)? release = null) =>
        (await Queue.ClaimAsync([(sweep, slot)], now, release is { } r ? [r] : [])).Single();

    private async Task<long> ScalarAsync(string sql)
    {
        await using var db = await _host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync();
        return await db.Database.SqlQueryRaw<long>(sql).SingleAsync();
    }

    [Fact]
    public async Task Queueing_is_idempotent_and_a_slot_takes_the_first_waiting_run_that_fits_it()
    {
        var (sweep, runs) = await SeedAsync(Big, Small, Small);
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(3, await Queue.EnqueueSweepAsync(sweep, now));
        Assert.Equal(0, await Queue.EnqueueSweepAsync(sweep, now));
        Assert.Equal(3, Assert.Single(await Queue.WaitingAsync(sweep)).Queued);

        var room = DispatchPolicy.EstimatesOf(Small).Cpu;
        var first = await ClaimOneAsync(sweep, Cpu("small-slot", room), now);
        Assert.Equal((runs[1], 1, false), (first!.RunId, first.Attempt, first.Finished)); // the big run does not fit
        Assert.Equal(Small.DModel, first.Config.DModel);
        Assert.Equal(runs[0], (await ClaimOneAsync(sweep, Cpu("any-slot", 0), now))!.RunId); // no memory reported: takes any
        Assert.Equal(runs[2], (await ClaimOneAsync(sweep, Cpu("small-slot-2", room), now))!.RunId);
        Assert.Null(await ClaimOneAsync(sweep, Cpu("small-slot-3", room), now));
        Assert.Empty(await Queue.WaitingAsync(sweep));
        // On slots, not waiting: queueing the sweep again adds nothing.
        Assert.Equal(0, await Queue.EnqueueSweepAsync(sweep, now));
        Assert.Equal(3, (await Queue.AssignedAsync()).Count(a => runs.Contains(a.RunId)));
    }

    [Fact]
    public async Task A_requeued_run_keeps_its_place_and_its_next_dispatch_has_a_new_attempt_number()
    {
        var (sweep, runs) = await SeedAsync(Small, Small);
        var now = DateTimeOffset.UtcNow;
        await Queue.EnqueueSweepAsync(sweep, now);
        var first = await ClaimOneAsync(sweep, Cpu("slot-a", 0), now);

        Assert.Equal(sweep, await Queue.RequeueAsync(first!.RunId, "slot-a"));
        Assert.Null(await Queue.RequeueAsync(first.RunId, "slot-a")); // not on that slot any more

        var again = await ClaimOneAsync(sweep, Cpu("slot-b", 0), now);
        Assert.Equal((runs[0], 2), (again!.RunId, again.Attempt));
        // A slot the run is no longer on cannot release it; the slot it is on can.
        await Queue.ReleaseAsync([(runs[0], "slot-a")]);
        Assert.Equal("slot-b", Assert.Single(await Queue.AssignedAsync(), a => a.RunId == runs[0]).SlotId);
        await Queue.ReleaseAsync([(runs[0], "slot-b")]);
        Assert.DoesNotContain(await Queue.AssignedAsync(), a => a.RunId == runs[0]);
        Assert.Equal(2, await ScalarAsync($"SELECT dispatches::bigint AS \"Value\" FROM runs WHERE id = '{runs[0]}'"));
    }

    [Fact]
    public async Task A_slot_that_hands_back_a_run_and_takes_the_next_does_both_in_one_claim()
    {
        var (sweep, runs) = await SeedAsync(Small, Small, Small);
        var now = DateTimeOffset.UtcNow;
        await Queue.EnqueueSweepAsync(sweep, now);
        var first = await ClaimOneAsync(sweep, Cpu("slot-f", 0), now);

        var second = await ClaimOneAsync(sweep, Cpu("slot-f", 0), now, release: (first!.RunId, "slot-f"));

        Assert.Equal(runs[1], second!.RunId);
        Assert.Equal([runs[1]], (await Queue.AssignedAsync()).Where(a => runs.Contains(a.RunId)).Select(a => a.RunId));
        // The release holds even when nothing fits: the claim finds no run, the handed-back one still leaves.
        Assert.Null(await ClaimOneAsync(sweep, Cpu("slot-g", 1), now, release: (second.RunId, "slot-f")));
        Assert.DoesNotContain(await Queue.AssignedAsync(), a => runs.Contains(a.RunId));
        Assert.Equal(1, Assert.Single(await Queue.WaitingAsync(sweep)).Queued);
    }

    [Fact]
    public async Task One_batch_gives_slots_of_one_sweep_successive_runs_and_releases_in_the_same_commit()
    {
        var (sweep, runs) = await SeedAsync(Small, Small, Small, Small);
        var (other, otherRuns) = await SeedAsync(Small);
        var now = DateTimeOffset.UtcNow;
        await Queue.EnqueueSweepAsync(sweep, now);
        await Queue.EnqueueSweepAsync(other, now);
        var first = await ClaimOneAsync(sweep, Cpu("slot-h", 0), now);

        var claimed = await Queue.ClaimAsync(
            [(sweep, Cpu("slot-h", 0)), (other, Cpu("slot-i", 0)), (sweep, Cpu("slot-j", 0)), (sweep, Cpu("slot-k", 1)), (sweep, Cpu("slot-l", 0))],
            now, [(first!.RunId, "slot-h")]);

        // In order: the sweep's next runs go to the slots that fit, a slot none fits gets null and takes nothing.
        Assert.Equal([runs[1], otherRuns[0], runs[2], null, runs[3]], claimed.Select(c => c?.RunId));
        var onSlots = (await Queue.AssignedAsync()).Where(a => a.SweepId == sweep || a.SweepId == other).ToDictionary(a => a.SlotId, a => a.RunId);
        Assert.Equal(new Dictionary<string, Guid> { ["slot-h"] = runs[1], ["slot-i"] = otherRuns[0], ["slot-j"] = runs[2], ["slot-l"] = runs[3] }, onSlots);
        Assert.Empty(await Queue.WaitingAsync(sweep));
    }

    [Fact]
    public async Task A_cancelled_sweeps_runs_leave_the_queue_and_are_never_queued_again()
    {
        var (sweep, runs) = await SeedAsync(Small, Small, Small);
        var now = DateTimeOffset.UtcNow;
        await Queue.EnqueueSweepAsync(sweep, now);
        var onSlot = await ClaimOneAsync(sweep, Cpu("slot-c", 0), now);

        await _host.Get<SweepStore>().CancelAsync(sweep);
        Assert.Equal(2, await Queue.RemoveWaitingOfSweepAsync(sweep));

        // Its slot dies: the run is not re-queued, it leaves the queue; queueing the sweep again adds nothing.
        Assert.Null(await Queue.RequeueAsync(onSlot!.RunId, "slot-c"));
        Assert.Equal(0, await Queue.EnqueueSweepAsync(sweep, now));
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) AS \"Value\" FROM run_queue WHERE sweep_id = '{sweep}'"));
    }

    [Fact]
    public async Task A_finished_run_is_not_queued_and_a_stopped_waiting_run_leaves_the_queue()
    {
        var (sweep, runs) = await SeedAsync(Small, Small, Small);
        await using (var db = await _host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync())
            await db.Runs.Where(r => r.Id == runs[0]).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Succeeded));

        Assert.Equal(2, await Queue.EnqueueSweepAsync(sweep, DateTimeOffset.UtcNow));
        Assert.Equal(sweep, await Queue.RemoveWaitingAsync(runs[1]));
        Assert.Null(await Queue.RemoveWaitingAsync(runs[1]));
        Assert.Equal(runs[2], (await ClaimOneAsync(sweep, Cpu("slot-d", 0), DateTimeOffset.UtcNow))!.RunId);
    }

    [Fact]
    public async Task The_old_schedulers_attempts_and_runs_on_slots_carry_over_into_the_queue_and_old_grain_rows_go()
    {
        var (sweep, runs) = await SeedAsync(Small, Small);
        await using var db = await _host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync();
        await db.Runs.Where(r => r.Id == runs[0]).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.Attempt, 2));
        // The shape of the old scheduler's row (as in a database it wrote), with its run on a slot handed attempt 3
        // before the slot began it, and the other run handed 1 attempt.
        var legacy = """
            {"$id":"1","$type":"ScaleLab.Orchestrator.Scheduling.SchedulerState, ScaleLab.Orchestrator",
             "Queue":{"$type":"System.Collections.Generic.List`1[[ScaleLab.Scheduling.RunTicket, ScaleLab.Domain]], System.Private.CoreLib","$values":[]},
             "Slots":{"$id":"5","$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[ScaleLab.Orchestrator.Scheduling.SlotAssignment, ScaleLab.Orchestrator]], System.Private.CoreLib",
               "127.0.0.1:11112@155152858/cpu0":{"$id":"6","$type":"ScaleLab.Orchestrator.Scheduling.SlotAssignment, ScaleLab.Orchestrator",
                 "Slot":{"$id":"7","$type":"ScaleLab.Scheduling.WorkerSlot, ScaleLab.Domain","SlotId":"127.0.0.1:11112@155152858/cpu0","DeviceKind":"cpu"},
                 "Ticket":{"$id":"9","$type":"ScaleLab.Scheduling.RunTicket, ScaleLab.Domain","RunId":"RUN0","SweepId":"SWEEP","Name":"r0","Priority":0},
                 "AssignedAt":"2026-12-01T18:03:26.4400766+00:00","LastSeen":"2026-12-01T18:03:30.3769684+00:00"},
               "127.0.0.1:11112@155152858/cpu1":{"$id":"10","$type":"ScaleLab.Orchestrator.Scheduling.SlotAssignment, ScaleLab.Orchestrator",
                 "Slot":{"$id":"11","$type":"ScaleLab.Scheduling.WorkerSlot, ScaleLab.Domain","SlotId":"127.0.0.1:11112@155152858/cpu1","DeviceKind":"cpu"}}},
             "Attempts":{"$id":"8","$type":"System.Collections.Generic.Dictionary`2[[System.Guid, System.Private.CoreLib],[System.Int32, System.Private.CoreLib]], System.Private.CoreLib",
               "RUN0":3,"RUN1":1}}
            """.Replace("RUN0", runs[0].ToString()).Replace("RUN1", runs[1].ToString()).Replace("SWEEP", sweep.ToString());
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO orleans.grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
            VALUES ('legacy-test', 1, 'scheduler', 2, 3, 4, 'default', convert_to({0}, 'UTF8'), 1265),
                   ('legacy-test', 5, 'run', 6, 7, 8, '', convert_to('{{"Status":"Running","Attempt":2}}', 'UTF8'), 3)
            """, legacy);

        // Through Npgsql, as the migration sends it (EF's raw SQL would read the regex's braces as format items).
        await _host.Get<NpgsqlDataSource>().CreateCommand(Orchestrator.Infrastructure.Database.LegacyGrainRows.ImportSql).ExecuteNonQueryAsync();

        var onSlot = Assert.Single(await Queue.AssignedAsync(), a => a.RunId == runs[0]);
        Assert.Equal(("127.0.0.1:11112@155152858/cpu0", 3, sweep, "key test"), (onSlot.SlotId, onSlot.Attempt, onSlot.SweepId, onSlot.Owner));
        Assert.Equal(1, await ScalarAsync($"SELECT dispatches::bigint AS \"Value\" FROM runs WHERE id = '{runs[1]}'"));
        // The run grains' copies of their rows go too: the row is their state now.
        Assert.Equal(0, await ScalarAsync("SELECT count(*) AS \"Value\" FROM orleans.grain_state WHERE grain_type IN ('scheduler', 'run')"));
        // The next dispatch of the run on the slot, if it comes back, hands out attempt 4.
        Assert.Equal(sweep, await Queue.RequeueAsync(runs[0], onSlot.SlotId));
        Assert.Equal(4, (await ClaimOneAsync(sweep, Cpu("slot-e", 0), DateTimeOffset.UtcNow))!.Attempt);
    }
}
