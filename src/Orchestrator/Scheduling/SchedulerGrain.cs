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
    /// <summary>Runs slots handed back, not yet deleted from the queue: the next dispatch deletes them in its transaction.</summary>
    private readonly List<(Guid RunId, string SlotId)> _releases = [];
    /// <summary>A dispatch message is on its way to this grain; further releases ride on it.</summary>
    private bool _dispatchRequested;

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

    /// <summary>
    /// Frees the slot in memory only, and leaves the claim to a dispatch message the grain sends itself, queued behind
    /// the releases already waiting. So the releases that arrive while a claim is in flight are handled together, in
    /// one batch of statements and one commit, instead of each waiting for the one before it to commit. The deferred
    /// delete is safe: if the orchestrator stops first, the row still names the slot, and the slot's next heartbeat
    /// (not training it) makes it leave the queue, since the run is finished.
    /// </summary>
    public Task ReleaseAsync(string slotId, Guid runId)
    {
        if (_slots.TryGetValue(slotId, out var live) && live.Run?.RunId == runId) live.Run = null;
        _releases.Add((runId, slotId));
        if (!_dispatchRequested)
        {
            _dispatchRequested = true;
            this.AsReference<ISchedulerGrain>().DispatchAsync().Ignore();
        }
        return Task.CompletedTask;
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

    /// <summary>
    /// Claims a run for every free slot that one fits, in batches: each batch plans which sweep each free slot is
    /// offered (smallest slot first, so big slots stay free for big runs), then claims them all and deletes the
    /// pending releases in one round trip. A slot whose planned sweep has nothing that fits is offered the next sweep
    /// in the following batch; a slot no waiting run fits stays free.
    /// </summary>
    public async Task DispatchAsync()
    {
        _dispatchRequested = false;
        await DropSlotsOfDeadSilosAsync();
        var misfits = new HashSet<(string SlotId, Guid SweepId)>();
        while (true)
        {
            var free = _slots.Values.Where(s => s.Heard && s.Run is null).OrderBy(s => s.Slot.MemoryBytes).ToList();
            var running = _slots.Values.Where(s => s.Run is not null).Select(s => (s.Run!.SweepId, s.Run.Owner));
            var plan = _waiting.Count == 0 || free.Count == 0 ? [] : DispatchPolicy.Plan(free.Select(s => s.Id), _waiting.Values, running, _served, misfits);
            if (plan.Count == 0) break;
            var releases = _releases.ToList();
            var claimed = await queue.ClaimAsync(plan.Select(p => (p.Sweep.SweepId, _slots[p.SlotId].Slot)).ToList(), clock.GetUtcNow(), releases);
            _releases.RemoveRange(0, releases.Count);
            for (var i = 0; i < plan.Count; i++)
            {
                var (slot, sweep) = (_slots[plan[i].SlotId], plan[i].Sweep);
                switch (claimed[i])
                {
                    case null:
                        misfits.Add((slot.Id, sweep.SweepId));
                        break;
                    case { Finished: true } done: // finished while it waited (stopped, or a late completion): the slot stays free
                        Take(sweep);
                        _releases.Add((done.RunId, slot.Id));
                        break;
                    case { } run:
                        Take(sweep);
                        _served.Served(sweep);
                        Start(slot, run, sweep);
                        break;
                }
            }
        }
        if (_releases.Count > 0)
        {
            var releases = _releases.ToList();
            await queue.ReleaseAsync(releases);
            _releases.RemoveRange(0, releases.Count);
        }
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
    private void Start(LiveSlot free, ClaimedRun run, QueuedSweep sweep)
    {
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
