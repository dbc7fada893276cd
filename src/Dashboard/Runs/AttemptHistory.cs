using ScaleLab.Catalog;
using ScaleLab.Runs;

namespace ScaleLab.Dashboard.Runs;

/// <summary>One attempt of a run, read from its log: where it ran, where it resumed from, how it ended.</summary>
public sealed record AttemptSummary(int Number, string? Slot, DateTimeOffset Started, DateTimeOffset Last, int? ResumedFromStep, string Outcome);

/// <summary>
/// The run's attempts as a table (which worker slot, resumed from which checkpoint, why it was re-queued or how it
/// finished), from the kinds, slots and steps of the lines the orchestrator and the worker write.
/// </summary>
public static class AttemptHistory
{
    private static readonly HashSet<RunEventKind> Endings = [RunEventKind.Succeeded, RunEventKind.Failed, RunEventKind.Stopped, RunEventKind.Cancelled];

    public static IReadOnlyList<AttemptSummary> From(IReadOnlyList<RunLogLine> log) =>
        log.Where(l => l.Attempt > 0).GroupBy(l => l.Attempt).OrderBy(g => g.Key).Select(g =>
        {
            var lines = g.OrderBy(l => l.At).ToList();
            var slot = lines.FirstOrDefault(l => l.Kind == RunEventKind.Assigned)?.Slot;
            var resumed = lines.FirstOrDefault(l => l.Kind == RunEventKind.Resumed)?.Step;
            var outcome = lines.FirstOrDefault(l => l.Kind == RunEventKind.Requeued)?.Message
                ?? lines.LastOrDefault(l => Endings.Contains(l.Kind))?.Message
                ?? "in progress";
            return new AttemptSummary(g.Key, slot, lines[0].At, lines[^1].At, resumed, outcome);
        }).ToList();
}
