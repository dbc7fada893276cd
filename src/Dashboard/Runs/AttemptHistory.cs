using System.Text.RegularExpressions;
using ScaleLab.Catalog;

namespace ScaleLab.Dashboard.Runs;

/// <summary>One attempt of a run, read from its log: where it ran, where it resumed from, how it ended.</summary>
public sealed record AttemptSummary(int Number, string? Slot, DateTimeOffset Started, DateTimeOffset Last, int? ResumedFromStep, string Outcome);

/// <summary>
/// The run's attempts as a table (which worker slot, resumed from which checkpoint, why it was re-queued or how it
/// finished), derived from the log lines the orchestrator and the worker write.
/// </summary>
public static partial class AttemptHistory
{
    public static IReadOnlyList<AttemptSummary> From(IReadOnlyList<RunLogLine> log) =>
        log.Where(l => l.Attempt > 0).GroupBy(l => l.Attempt).OrderBy(g => g.Key).Select(g =>
        {
            var lines = g.OrderBy(l => l.At).ToList();
            var slot = lines.Select(l => AssignedTo().Match(l.Message)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            var resumed = lines.Select(l => ResumedAt().Match(l.Message)).FirstOrDefault(m => m.Success) is { } r ? int.Parse(r.Groups[1].Value) : (int?)null;
            var outcome = lines.FirstOrDefault(l => l.Message.StartsWith("re-queued", StringComparison.Ordinal))?.Message
                ?? lines.LastOrDefault(l => Final().IsMatch(l.Message))?.Message
                ?? "in progress";
            return new AttemptSummary(g.Key, slot, lines[0].At, lines[^1].At, resumed, outcome);
        }).ToList();

    [GeneratedRegex(@"^attempt \d+ assigned to slot (.+)$")]
    private static partial Regex AssignedTo();

    [GeneratedRegex(@"resuming from the checkpoint at step (\d+)")]
    private static partial Regex ResumedAt();

    [GeneratedRegex(@"^(succeeded|failed|stopped|cancelled)", RegexOptions.IgnoreCase)]
    private static partial Regex Final();
}
