using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Workers;

namespace ScaleLab.Orchestrator.Scheduling;

/// <summary>
/// Matches queued runs to free worker slots. A run is never on two slots: in <see cref="RunQueue"/> it is either
/// waiting or on exactly one slot. A slot that misses heartbeats, or reports idle while it should be training, gives
/// its run back to the queue; the next dispatch hands it a new attempt number (the old attempt can no longer
/// complete, see RunGrain). The grain keeps no state of its own: the live slots are in memory, rebuilt from the table
/// and the heartbeats, and the queue is read one sweep at a time, so its cost is set by the slots and the sweeps
/// waiting, not by how many runs wait or have ever run.
/// </summary>
public sealed class SchedulerGrain(
    RunQueue queue,
    SchedulerOptions options,
    TimeProvider clock,
    Runs.RunLog runLog,
    IClusterMembershipService membership,
    ILogger<SchedulerGrain> logger) : Grain, ISchedulerGrain
{
    private readonly Dictionary<string, LiveSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, QueuedSweep> _waiting = [];
    private readonly LastServed _served = new();
    /// <summary>A run a slot handed back, not yet deleted from the queue: the next claim deletes it in its own statement.</summary>
    private (Guid RunId, string SlotId)? _release;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var run in await queue.AssignedAsync(ct))
            _slots[run.SlotId] = new LiveSlot(new WorkerSlot(run.SlotId, "", 0, "", 0, null), now) { Run = run };
        foreach (var sweep in await queue.WaitingAsync(ct: ct)) _waiting[sweep.SweepId] = sweep;
        this.RegisterGrainTimer(CheckLivenessAsync, options.LivenessCheckInterval, options.LivenessCheckInterval);
    }

    public async Task EnqueueSweepAsync(Guid sweepId)
    {
        if (await queue.EnqueueSweepAsync(sweepId, clock.GetUtcNow()) > 0) await RecountAsync(sweepId);
        await DispatchAsync();
    }

    public async Task HeartbeatAsync(WorkerSlot slot)
    {
        var now = clock.GetUtcNow();
        if (!_slots.TryGetValue(slot.SlotId, out var live))
        {
            _slots[slot.SlotId] = live = new LiveSlot(slot, now);
            logger.LogInformation("Worker slot {SlotId} joined ({Device})", slot.SlotId, slot.DeviceName);
        }
        (live.Slot, live.LastSeen, live.Heard) = (slot, now, true);
        if (live.Run is { } run && slot.CurrentRunId != run.RunId && now - run.AssignedAt > options.StartGracePeriod)
        {
            logger.LogWarning("Slot {SlotId} is not training run {RunId} it was given; re-queueing it", slot.SlotId, run.RunId);
            await RequeueAsync(live, $"re-queued: slot {slot.SlotId} reports it is not training this run");
        }
        await DispatchAsync();
    }

    public async Task ReleaseAsync(string slotId, Guid runId)
    {
        if (_slots.TryGetValue(slotId, out var live) && live.Run?.RunId == runId) live.Run = null;
        _release = (runId, slotId);
        try
        {
            await DispatchAsync();
        }
        finally
        {
            // Nothing was claimed (or the claim failed): the release goes on its own.
            if (_release is { } release)
            {
                _release = null;
                await queue.ReleaseAsync(release.RunId, release.SlotId);
            }
        }
    }

    public async Task<bool> StopRunAsync(Guid runId)
    {
        if (await queue.RemoveWaitingAsync(runId) is { } sweepId)
        {
            await RecountAsync(sweepId);
            return false; // queued only: nothing runs, no worker will report; the caller completes the run itself
        }
        if (_slots.Values.FirstOrDefault(s => s.Run?.RunId == runId) is not { } live) return false;
        return await TryCancelOnSlotAsync(live, runId);
    }

    public async Task CancelSweepAsync(Guid sweepId)
    {
        // The sweep's status is Cancelled before this is called, so none of its runs can be queued or re-queued again.
        var dropped = await queue.RemoveWaitingOfSweepAsync(sweepId);
        if (_waiting.Remove(sweepId)) _served.Forget(_waiting.Values);
        // An unreachable worker cannot train either; its slot is dropped by the liveness check, and the run grain
        // refuses any later attempt because the run is no longer unfinished.
        foreach (var live in _slots.Values.Where(s => s.Run?.SweepId == sweepId).ToList()) await TryCancelOnSlotAsync(live, live.Run!.RunId);
        logger.LogInformation("Sweep {SweepId} cancelled: {Dropped} queued runs dropped", sweepId, dropped);
    }

    public Task<SchedulerSnapshot> GetSnapshotAsync() => Task.FromResult(new SchedulerSnapshot(
        _waiting.Values.Sum(s => s.Queued),
        _slots.Values.OrderBy(s => s.Id, StringComparer.Ordinal).Select(s => new SlotView(s.Slot, s.Run?.RunId, s.LastSeen)).ToList()));

    private async Task<bool> TryCancelOnSlotAsync(LiveSlot live, Guid runId)
    {
        try
        {
            await GrainFactory.GetGrain<IWorkerGrain>(live.Id).CancelAsync(runId).WaitAsync(options.StartCallTimeout);
            return true;
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not stop run {RunId} on {SlotId}: {Message}", runId, live.Id, ex.Message);
            return false;
        }
    }

    private async Task CheckLivenessAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var live in _slots.Values.Where(s => now - s.LastSeen > options.SlotTimeout).ToList())
            await RemoveSlotAsync(live, "missed its heartbeats",
                $"re-queued: slot {live.Id} missed its heartbeats for {options.SlotTimeout.TotalSeconds:0} s (worker gone?)");
        await DispatchAsync();
    }

    /// <summary>
    /// Slots whose silo the cluster has declared dead (shut down, killed, or replaced by a newer incarnation on its
    /// endpoint) leave at once, their runs back in the queue. Waiting for their heartbeats to lapse would let a
    /// dispatch try them first, and each refusal counts as an attempt (seen: a run that started as attempt 9 after a
    /// worker restart, having been offered to its predecessor's 8 slots).
    /// </summary>
    private async Task DropSlotsOfDeadSilosAsync()
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var live in _slots.Values.Where(s => WorkerSlotId.TryGetSilo(s.Id, out var silo) && silo is not null
                     && snapshot.GetSiloStatus(silo) == SiloStatus.Dead).ToList())
            await RemoveSlotAsync(live, "belongs to a dead silo", $"re-queued: the silo of slot {live.Id} is dead");
    }

    private async Task RemoveSlotAsync(LiveSlot live, string why, string requeueReason)
    {
        logger.LogWarning("Worker slot {SlotId} {Why}; removing it", live.Id, why);
        await RequeueAsync(live, requeueReason);
        _slots.Remove(live.Id);
    }

    private async Task RequeueAsync(LiveSlot live, string reason)
    {
        if (live.Run is not { } run) return;
        live.Run = null;
        // Null: the run finished meanwhile or its sweep was cancelled, so it left the queue instead.
        if (await queue.RequeueAsync(run.RunId, live.Id) is not { } sweepId) return;
        await RecountAsync(sweepId);
        await runLog.AppendAsync(run.RunId, run.Attempt, RunEventKind.Requeued, reason);
    }

    /// <summary>Reads one sweep's share of the queue again, after runs joined or left it other than by dispatch.</summary>
    private async Task RecountAsync(Guid sweepId)
    {
        if ((await queue.WaitingAsync(sweepId)).FirstOrDefault() is { } sweep) _waiting[sweepId] = sweep;
        else if (_waiting.Remove(sweepId)) _served.Forget(_waiting.Values);
    }

    private async Task DispatchAsync()
    {
        await DropSlotsOfDeadSilosAsync();
        // Free slots, smallest first (best fit: big slots stay free for big runs); a slot no waiting run fits stays free.
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        while (_waiting.Count > 0 && _slots.Values.Where(s => s.Heard && s.Run is null && !skipped.Contains(s.Id))
                   .OrderBy(s => s.Slot.MemoryBytes).FirstOrDefault() is { } free)
        {
            if (await ClaimForAsync(free) is not { } claimed)
            {
                skipped.Add(free.Id);
                continue;
            }
            Start(free, claimed);
        }
    }

    private async Task<(ClaimedRun Run, QueuedSweep Sweep)?> ClaimForAsync(LiveSlot free)
    {
        var running = _slots.Values.Where(s => s.Run is not null).Select(s => (s.Run!.SweepId, s.Run.Owner));
        foreach (var sweep in DispatchPolicy.Order(_waiting.Values, running, _served))
        {
            while (await ClaimAsync(sweep, free) is { } run)
            {
                Take(sweep);
                if (!run.Finished)
                {
                    _served.Served(sweep);
                    return (run, sweep);
                }
                await queue.ReleaseAsync(run.RunId, free.Id); // finished while it waited (stopped, or a late completion)
            }
        }
        return null;
    }

    private async Task<ClaimedRun?> ClaimAsync(QueuedSweep sweep, LiveSlot free)
    {
        var run = await queue.ClaimAsync(sweep.SweepId, free.Slot, clock.GetUtcNow(), _release);
        _release = null;
        return run;
    }

    private void Take(QueuedSweep sweep)
    {
        var left = _waiting.GetValueOrDefault(sweep.SweepId, sweep).Queued - 1;
        if (left > 0) _waiting[sweep.SweepId] = sweep with { Queued = left };
        else
        {
            _waiting.Remove(sweep.SweepId);
            _served.Forget(_waiting.Values);
        }
    }

    /// <summary>
    /// Tells the slot to start the run without waiting for its answer: a dispatch then costs one statement of this
    /// grain's time, not that plus a round trip to a worker. A failed start comes back as a message to this grain
    /// (<see cref="SlotRefusedAsync"/>), handled in its turn like any other.
    /// </summary>
    private void Start(LiveSlot free, (ClaimedRun Run, QueuedSweep Sweep) claimed)
    {
        var (run, sweep) = claimed;
        free.Run = new AssignedRun(run.RunId, sweep.SweepId, sweep.Owner, free.Id, run.Attempt, clock.GetUtcNow());
        logger.LogDebug("Run {RunId} ({Name}) attempt {Attempt} -> {SlotId}", run.RunId, run.Name, run.Attempt, free.Id);
        var (slotId, self) = (free.Id, this.AsReference<ISchedulerGrain>());
        GrainFactory.GetGrain<IWorkerGrain>(slotId).StartAsync(new RunAssignment(run.RunId, sweep.SweepId, run.Name, run.Config, run.Attempt))
            .WaitAsync(options.StartCallTimeout)
            .ContinueWith(start => start.IsFaulted ? self.SlotRefusedAsync(slotId, run.RunId, start.Exception!.GetBaseException().Message) : Task.CompletedTask,
                TaskScheduler.Default)
            .Unwrap()
            .ContinueWith(report => logger.LogWarning(report.Exception, "Slot {SlotId} refused run {RunId}, and the scheduler was not told", slotId, run.RunId),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public async Task SlotRefusedAsync(string slotId, Guid runId, string reason)
    {
        if (!_slots.TryGetValue(slotId, out var live) || live.Run?.RunId != runId) return;
        logger.LogWarning("Slot {SlotId} refused run {RunId} ({Reason}); dropping the slot", slotId, runId, reason);
        await RemoveSlotAsync(live, "refused a run", $"re-queued: slot {slotId} could not take it ({reason})");
        await DispatchAsync();
    }
}
