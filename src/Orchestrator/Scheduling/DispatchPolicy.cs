using ScaleLab.Scheduling;

namespace ScaleLab.Orchestrator.Scheduling;

/// <summary>Which queued run goes next: highest priority first; among equals, the sweep with the fewest runs on slots (fair share); FIFO within a sweep.</summary>
public static class DispatchPolicy
{
    public static int PickNext(IReadOnlyList<RunTicket> queue, IEnumerable<RunTicket> running)
    {
        if (queue.Count == 0) return -1;
        var perSweep = running.GroupBy(t => t.SweepId).ToDictionary(g => g.Key, g => g.Count());
        var best = -1;
        for (var i = 0; i < queue.Count; i++)
        {
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
}
