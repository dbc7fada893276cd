using ScaleLab.Models;
using ScaleLab.Runs;

namespace ScaleLab.Scheduling;

/// <summary>
/// Which queued run goes next onto a free slot. Only runs whose memory estimate fits the slot's memory are candidates
/// (<see cref="MemoryEstimate"/>). Among sweeps with a candidate: the highest priority first. Within a priority, slots
/// are shared round robin, first between owners, then between an owner's sweeps: the owner with the fewest runs on
/// slots, and among equals the one served least recently; then, of that owner's sweeps, the one with the fewest runs
/// on slots, and among equals the one served least recently; then the sweep queued first. So a 5-run sweep submitted
/// after another owner's 10,000-run sweep gets every other free slot, even when there is only one. Within a sweep,
/// runs go in the order they were queued, a re-queued run keeping its place.
/// </summary>
public static class DispatchPolicy
{
    /// <summary>The order in which queued sweeps are offered a free slot; the first with a run that fits takes it.</summary>
    /// <param name="served">When each owner and each sweep was last given a slot (any increasing count); absent: not yet.</param>
    public static IReadOnlyList<QueuedSweep> Order(IEnumerable<QueuedSweep> queued, IEnumerable<(Guid SweepId, string Owner)> running, LastServed? served = null)
    {
        served ??= new LastServed();
        var onSlots = running.ToList();
        var perOwner = onSlots.GroupBy(r => r.Owner, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var perSweep = onSlots.GroupBy(r => r.SweepId).ToDictionary(g => g.Key, g => g.Count());
        return queued.Where(s => s.Queued > 0)
            .OrderByDescending(s => s.Priority)
            .ThenBy(s => perOwner.GetValueOrDefault(s.Owner))
            .ThenBy(s => served.Owners.GetValueOrDefault(s.Owner, -1))
            .ThenBy(s => perSweep.GetValueOrDefault(s.SweepId))
            .ThenBy(s => served.Sweeps.GetValueOrDefault(s.SweepId, -1))
            .ThenBy(s => s.FirstPosition)
            .ToList();
    }

    /// <summary>
    /// Which sweep each free slot is offered, for claiming them all at once: slots in the order given, each taking
    /// the first sweep of <see cref="Order"/> as it stands after the slots before it took theirs (a sweep's waiting
    /// count goes down, its owner's and its runs on slots go up, both count as just served). So a batch shares slots
    /// exactly as the same slots offered one at a time would. A pair in <paramref name="misfits"/> (none of the
    /// sweep's waiting runs fits the slot) is not offered again; a slot left with no sweep gets none.
    /// </summary>
    public static IReadOnlyList<(string SlotId, QueuedSweep Sweep)> Plan(IEnumerable<string> freeSlots, IEnumerable<QueuedSweep> queued,
        IEnumerable<(Guid SweepId, string Owner)> running, LastServed served, IReadOnlySet<(string SlotId, Guid SweepId)>? misfits = null)
    {
        var waiting = queued.ToDictionary(s => s.SweepId);
        var onSlots = running.ToList();
        var turns = served.Copy();
        var plan = new List<(string, QueuedSweep)>();
        foreach (var slot in freeSlots)
        {
            var offer = Order(waiting.Values, onSlots, turns).FirstOrDefault(s => misfits?.Contains((slot, s.SweepId)) != true);
            if (offer is null) continue;
            plan.Add((slot, offer));
            waiting[offer.SweepId] = offer with { Queued = offer.Queued - 1 };
            onSlots.Add((offer.SweepId, offer.Owner));
            turns.Served(offer);
        }
        return plan;
    }

    /// <summary>The largest memory estimate a slot takes; null for a slot that reports none (the estimate is a guide, not a guarantee).</summary>
    public static long? RoomOf(WorkerSlot slot) => slot.MemoryBytes > 0 ? slot.MemoryBytes : null;

    /// <summary>What a run needs on a slot of each device kind, computed once when it is queued.</summary>
    public static (long Cuda, long Cpu) EstimatesOf(RunConfig config) =>
        (MemoryEstimate.TrainingBytes(config, cuda: true), MemoryEstimate.TrainingBytes(config, cuda: false));
}

/// <summary>
/// When each owner and sweep was last given a slot, as a dispatch count. Kept only for owners and sweeps with runs
/// waiting (<see cref="Forget"/>), so it is bounded by the queue, not by history.
/// </summary>
public sealed class LastServed
{
    private long _dispatches;
    public Dictionary<string, long> Owners { get; } = new(StringComparer.Ordinal);
    public Dictionary<Guid, long> Sweeps { get; } = [];

    public LastServed Copy()
    {
        var copy = new LastServed { _dispatches = _dispatches };
        foreach (var (owner, at) in Owners) copy.Owners[owner] = at;
        foreach (var (sweep, at) in Sweeps) copy.Sweeps[sweep] = at;
        return copy;
    }

    public void Served(QueuedSweep sweep)
    {
        _dispatches++;
        Owners[sweep.Owner] = _dispatches;
        Sweeps[sweep.SweepId] = _dispatches;
    }

    /// <summary>Drops what is no longer waiting: a sweep that left the queue, an owner with no sweep left in it.</summary>
    public void Forget(IReadOnlyCollection<QueuedSweep> waiting)
    {
        foreach (var sweep in Sweeps.Keys.Where(id => waiting.All(w => w.SweepId != id)).ToList()) Sweeps.Remove(sweep);
        foreach (var owner in Owners.Keys.Where(o => waiting.All(w => w.Owner != o)).ToList()) Owners.Remove(owner);
    }
}
