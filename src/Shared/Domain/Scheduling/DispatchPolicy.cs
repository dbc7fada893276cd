using ScaleLab.Models;

namespace ScaleLab.Scheduling;

/// <summary>
/// Which queued run goes next onto a free slot: only runs whose memory estimate fits the slot's memory
/// (<see cref="MemoryEstimate"/>); among those, highest priority first; among equals, the sweep with the fewest runs
/// on slots (fair share); FIFO within a sweep.
/// </summary>
public static class DispatchPolicy
{
    /// <returns>The index in <paramref name="queue"/> of the run to start on <paramref name="slot"/>, or -1 when none fits.</returns>
    public static int PickNext(IReadOnlyList<RunTicket> queue, IEnumerable<RunTicket> running, WorkerSlot slot)
    {
        var perSweep = running.GroupBy(t => t.SweepId).ToDictionary(g => g.Key, g => g.Count());
        var best = -1;
        for (var i = 0; i < queue.Count; i++)
        {
            if (!Fits(queue[i], slot)) continue;
            if (best < 0) { best = i; continue; }
            var (a, b) = (queue[i], queue[best]);
            if (a.Priority != b.Priority)
            {
                if (a.Priority > b.Priority) best = i;
                continue;
            }
            if (perSweep.GetValueOrDefault(a.SweepId) < perSweep.GetValueOrDefault(b.SweepId)) best = i;
        }
        return best;
    }

    /// <summary>A slot that reports no memory (0) takes any run: the estimate is a guide, not a guarantee.</summary>
    public static bool Fits(RunTicket ticket, WorkerSlot slot) =>
        slot.MemoryBytes <= 0 || MemoryEstimate.TrainingBytes(ticket.Config, slot.DeviceKind == DeviceKinds.Cuda) <= slot.MemoryBytes;
}
