using ScaleLab.Models;
using ScaleLab.Runs;

namespace ScaleLab.Scheduling;

/// <summary>
/// Which queued run goes next onto a free slot. Only runs whose memory estimate fits the slot's memory are candidates
/// (<see cref="MemoryEstimate"/>). Among sweeps with a candidate: the highest priority first; within a priority, the
/// owner with the fewest runs on slots, then that owner's sweep with the fewest runs on slots (so a 5-run sweep
/// submitted after another owner's 10,000-run sweep starts at the next free slot); among equals, the sweep queued
/// first. Within a sweep, runs go in the order they were queued, a re-queued run keeping its place.
/// </summary>
public static class DispatchPolicy
{
    /// <summary>The order in which queued sweeps are offered a free slot; the first with a run that fits takes it.</summary>
    public static IReadOnlyList<QueuedSweep> Order(IEnumerable<QueuedSweep> queued, IEnumerable<(Guid SweepId, string Owner)> running)
    {
        var onSlots = running.ToList();
        var perOwner = onSlots.GroupBy(r => r.Owner, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var perSweep = onSlots.GroupBy(r => r.SweepId).ToDictionary(g => g.Key, g => g.Count());
        return queued.Where(s => s.Queued > 0)
            .OrderByDescending(s => s.Priority)
            .ThenBy(s => perOwner.GetValueOrDefault(s.Owner))
            .ThenBy(s => perSweep.GetValueOrDefault(s.SweepId))
            .ThenBy(s => s.FirstPosition)
            .ToList();
    }

    /// <summary>The largest memory estimate a slot takes; null for a slot that reports none (the estimate is a guide, not a guarantee).</summary>
    public static long? RoomOf(WorkerSlot slot) => slot.MemoryBytes > 0 ? slot.MemoryBytes : null;

    /// <summary>What a run needs on a slot of each device kind, computed once when it is queued.</summary>
    public static (long Cuda, long Cpu) EstimatesOf(RunConfig config) =>
        (MemoryEstimate.TrainingBytes(config, cuda: true), MemoryEstimate.TrainingBytes(config, cuda: false));
}
