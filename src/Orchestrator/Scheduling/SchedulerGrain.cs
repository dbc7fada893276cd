using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Workers;

namespace ScaleLab.Orchestrator.Scheduling;

/// <summary>
/// Matches queued runs to free worker slots. A run is never on two slots: it is either queued or assigned to
/// exactly one slot. A slot that misses heartbeats, or reports idle while it should be training, gives its run
/// back to the queue with a new attempt number (the old attempt can no longer complete, see RunGrain).
/// </summary>
public sealed class SchedulerGrain(
    [PersistentState("scheduler", StorageNames.Grains)] IPersistentState<SchedulerState> state,
    SchedulerOptions options,
    TimeProvider clock,
    Runs.RunLog runLog,
    IClusterMembershipService membership,
    ILogger<SchedulerGrain> logger) : Grain, ISchedulerGrain
{
    private SchedulerState S => state.State;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        this.RegisterGrainTimer(CheckLivenessAsync, options.LivenessCheckInterval, options.LivenessCheckInterval);
        return Task.CompletedTask;
    }

    public async Task EnqueueAsync(IReadOnlyList<RunTicket> tickets)
    {
        var known = S.Queue.Select(t => t.RunId).Concat(S.Slots.Values.Where(s => s.Ticket is not null).Select(s => s.Ticket!.RunId)).ToHashSet();
        var added = tickets.Where(t => !S.CancelledSweeps.Contains(t.SweepId) && known.Add(t.RunId)).ToList();
        if (added.Count == 0) return;
        S.Queue.AddRange(added);
        await state.WriteStateAsync();
        await DispatchAsync();
    }

    public async Task HeartbeatAsync(WorkerSlot slot)
    {
        var now = clock.GetUtcNow();
        if (!S.Slots.TryGetValue(slot.SlotId, out var assignment))
        {
            S.Slots[slot.SlotId] = assignment = new SlotAssignment { Slot = slot, LastSeen = now };
            logger.LogInformation("Worker slot {SlotId} joined ({Device})", slot.SlotId, slot.DeviceName);
        }
        assignment.Slot = slot;
        assignment.LastSeen = now;

        var expected = assignment.Ticket?.RunId;
        if (expected is not null && slot.CurrentRunId != expected && now - assignment.AssignedAt > options.StartGracePeriod)
        {
            logger.LogWarning("Slot {SlotId} is not training run {RunId} it was given; re-queueing it", slot.SlotId, expected);
            var requeued = Requeue(assignment);
            await state.WriteStateAsync();
            await LogRequeueAsync(requeued, $"re-queued: slot {slot.SlotId} reports it is not training this run");
        }
        await state.WriteStateAsync();
        await DispatchAsync();
    }

    public async Task ReleaseAsync(string slotId, Guid runId)
    {
        if (S.Slots.TryGetValue(slotId, out var assignment) && assignment.Ticket?.RunId == runId)
        {
            assignment.Ticket = null;
            await state.WriteStateAsync();
        }
        await DispatchAsync();
    }

    public async Task<bool> StopRunAsync(Guid runId)
    {
        if (S.Queue.RemoveAll(t => t.RunId == runId) > 0)
        {
            await state.WriteStateAsync();
            return false; // queued only: nothing runs, no worker will report; the caller completes the run itself
        }
        if (S.Slots.Values.FirstOrDefault(s => s.Ticket?.RunId == runId) is not { } slot) return false;
        try
        {
            await GrainFactory.GetGrain<IWorkerGrain>(slot.Slot.SlotId).CancelAsync(runId).WaitAsync(options.StartCallTimeout);
            return true;
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not stop run {RunId} on {SlotId}: {Message}", runId, slot.Slot.SlotId, ex.Message);
            return false;
        }
    }

    public async Task CancelSweepAsync(Guid sweepId)
    {
        S.CancelledSweeps.Add(sweepId);
        var dropped = S.Queue.RemoveAll(t => t.SweepId == sweepId);
        await state.WriteStateAsync();
        foreach (var slot in S.Slots.Values.Where(s => s.Ticket?.SweepId == sweepId).ToList())
        {
            try
            {
                await GrainFactory.GetGrain<IWorkerGrain>(slot.Slot.SlotId).CancelAsync(slot.Ticket!.RunId).WaitAsync(options.StartCallTimeout);
            }
            catch (Exception ex)
            {
                // An unreachable worker cannot train either; its slot is dropped by the liveness check, and the run grain
                // refuses any later attempt because the run is no longer unfinished.
                logger.LogWarning("Could not stop run {RunId} on {SlotId}: {Message}", slot.Ticket?.RunId, slot.Slot.SlotId, ex.Message);
            }
        }
        logger.LogInformation("Sweep {SweepId} cancelled: {Dropped} queued runs dropped", sweepId, dropped);
    }

    public Task<SchedulerSnapshot> GetSnapshotAsync() => Task.FromResult(new SchedulerSnapshot(
        S.Queue.Count,
        S.Slots.Values.OrderBy(s => s.Slot.SlotId, StringComparer.Ordinal)
            .Select(s => new SlotView(s.Slot, s.Ticket?.RunId, s.LastSeen)).ToList()));

    private async Task CheckLivenessAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var silent = S.Slots.Values.Where(s => now - s.LastSeen > options.SlotTimeout).ToList();
        if (silent.Count == 0) return;
        await RemoveSlotsAsync(silent, "missed its heartbeats",
            slot => $"re-queued: slot {slot} missed its heartbeats for {options.SlotTimeout.TotalSeconds:0} s (worker gone?)");
        await DispatchAsync();
    }

    /// <summary>
    /// Slots whose silo the cluster has declared dead (shut down, killed, or replaced by a newer incarnation on its
    /// endpoint) leave at once, their runs back in the queue. Waiting for their heartbeats to lapse would let a
    /// dispatch try them first, and each refusal counts as an attempt (seen: a run that started as attempt 9 after a
    /// worker restart, having been offered to its predecessor's 8 slots).
    /// </summary>
    private Task DropSlotsOfDeadSilosAsync()
    {
        var snapshot = membership.CurrentSnapshot;
        var dead = S.Slots.Values.Where(s => WorkerSlotId.TryGetSilo(s.Slot.SlotId, out var silo) && silo is not null
            && snapshot.GetSiloStatus(silo) == SiloStatus.Dead).ToList();
        return dead.Count == 0 ? Task.CompletedTask
            : RemoveSlotsAsync(dead, "belongs to a dead silo", slot => $"re-queued: the silo of slot {slot} is dead");
    }

    private async Task RemoveSlotsAsync(IReadOnlyList<SlotAssignment> slots, string why, Func<string, string> requeueReason)
    {
        var requeued = new List<(RunTicket?, string)>();
        foreach (var slot in slots)
        {
            logger.LogWarning("Worker slot {SlotId} {Why}; removing it", slot.Slot.SlotId, why);
            requeued.Add((Requeue(slot), requeueReason(slot.Slot.SlotId)));
            S.Slots.Remove(slot.Slot.SlotId);
        }
        await state.WriteStateAsync();
        foreach (var (ticket, reason) in requeued) await LogRequeueAsync(ticket, reason);
    }

    /// <returns>The run put back at the head of the queue, or null (no run, or its sweep was cancelled).</returns>
    private RunTicket? Requeue(SlotAssignment assignment)
    {
        var ticket = assignment.Ticket;
        assignment.Ticket = null;
        if (ticket is null || S.CancelledSweeps.Contains(ticket.SweepId)) return null;
        S.Queue.Insert(0, ticket);
        return ticket;
    }

    private Task LogRequeueAsync(RunTicket? ticket, string reason) =>
        ticket is null ? Task.CompletedTask : runLog.AppendAsync(ticket.RunId, S.Attempts.GetValueOrDefault(ticket.RunId), RunEventKind.Requeued, reason);

    private async Task DispatchAsync()
    {
        await DropSlotsOfDeadSilosAsync();
        // Free slots, smallest first (best fit: big slots stay free for big runs), each taking the best queued run that
        // fits it; a run too big for every free slot waits.
        var skipped = new HashSet<string>();
        while (S.Queue.Count > 0 && S.Slots.Values.Where(s => s.Ticket is null && !skipped.Contains(s.Slot.SlotId))
                   .OrderBy(s => s.Slot.MemoryBytes).FirstOrDefault() is { } free)
        {
            var index = DispatchPolicy.PickNext(S.Queue, S.Slots.Values.Where(s => s.Ticket is not null).Select(s => s.Ticket!), free.Slot);
            if (index < 0)
            {
                skipped.Add(free.Slot.SlotId);
                continue;
            }
            var ticket = S.Queue[index];
            S.Queue.RemoveAt(index);
            var attempt = S.Attempts[ticket.RunId] = S.Attempts.GetValueOrDefault(ticket.RunId) + 1;
            free.Ticket = ticket;
            free.AssignedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
            try
            {
                var assignment = new RunAssignment(ticket.RunId, ticket.SweepId, ticket.Name, ticket.Config, attempt);
                await GrainFactory.GetGrain<IWorkerGrain>(free.Slot.SlotId).StartAsync(assignment)
                    .WaitAsync(options.StartCallTimeout);
                logger.LogInformation("Run {RunId} ({Name}) attempt {Attempt} -> {SlotId}", ticket.RunId, ticket.Name, attempt, free.Slot.SlotId);
            }
            catch (Exception ex)
            {
                // The slot could not take it (its silo is gone, or it is busy): drop the slot, keep the run.
                logger.LogWarning(ex, "Slot {SlotId} refused run {RunId}; dropping the slot", free.Slot.SlotId, ticket.RunId);
                var requeued = Requeue(free);
                S.Slots.Remove(free.Slot.SlotId);
                await state.WriteStateAsync();
                await LogRequeueAsync(requeued, $"re-queued: slot {free.Slot.SlotId} could not take it ({ex.GetBaseException().Message})");
            }
        }
    }
}
