using ScaleLab.Catalog;
using ScaleLab.Client;
using ScaleLab.Runs;
using ScaleLab.Scaling;

namespace ScaleLab.Cli;

/// <summary>
/// What `watch` and `submit --watch` print, as lines of at most <see cref="Width"/> characters: ids shortened
/// (<see cref="IdPrefix.Short"/>), numbers in the app's <see cref="NumberFormat"/>, names cut with "…" where the row is
/// too long (numbers never are). Pure: <see cref="SweepWatch"/> polls the API and prints these.
/// </summary>
public static class SweepWatchView
{
    public const int Width = 80;

    /// <summary>"Sweep NAME (1a2b3c4d): Running" and "12 runs: 4 queued, 2 running, 6 succeeded".</summary>
    public static IReadOnlyList<string> Header(SweepDetail detail, int width)
    {
        var sweep = detail.Sweep;
        var rest = $" ({IdPrefix.Short(sweep.Id)}): {sweep.StatusText}";
        return [Cut($"Sweep {Cut(OneLine(sweep.Name), width - "Sweep ".Length - rest.Length)}{rest}", width), Cut(Counts(detail), width)];
    }

    /// <summary>The runs by status, in the order a run goes through them: "12 runs: 4 queued, 2 running, 6 succeeded".</summary>
    public static string Counts(SweepDetail detail) =>
        $"{detail.Runs.Count} runs" + (detail.Runs.Count == 0 ? "" : ": " + string.Join(", ", detail.Runs.GroupBy(r => r.Status).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}")));

    /// <summary>The counts as a log line: "12:03:04 12 runs: 4 queued, 2 running, 6 succeeded".</summary>
    public static string CountsAt(SweepDetail detail, DateTimeOffset at, int width) => Cut($"{at:HH:mm:ss} {Counts(detail)}", width);

    /// <summary>
    /// The live frame: the header, then each run's steps and last loss. When more runs than <paramref name="maxRuns"/>
    /// the running ones come first, then the queued, and a last line counts the rest.
    /// </summary>
    public static IReadOnlyList<string> Progress(SweepDetail detail, int width, int maxRuns)
    {
        var runs = detail.Runs.Count <= maxRuns ? detail.Runs
            : detail.Runs.OrderBy(r => r.Status switch { RunStatus.Running => 0, RunStatus.Queued => 1, _ => 2 }).Take(Math.Max(1, maxRuns - 1)).ToList();
        var digits = IdPrefix.DistinctDigits(detail.Runs.Select(r => r.Id));
        var rows = runs.Select(r => new[]
        {
            IdPrefix.Short(r.Id, digits), r.Name, r.Status.ToString(), $"{r.StepsDone}/{r.TotalSteps}",
            r.TotalSteps > 0 ? $"{100 * r.StepsDone / r.TotalSteps}%" : "–", NumberFormat.Short(r.FinalLoss ?? r.LastLoss),
        });
        var more = detail.Runs.Count - runs.Count;
        // Columns as wide as they will get, so the frame does not shift as runs move on.
        int[] least = [0, 0, "Succeeded".Length, detail.Runs.Select(r => $"{r.TotalSteps}/{r.TotalSteps}".Length).DefaultIfEmpty().Max(), "100%".Length, "0.000".Length];
        return [.. Header(detail, width), .. Table(width, ["Run", "Name", "Status", "Steps", "Done", "Loss"], rows, least), .. more > 0 ? [$"… and {more} more runs"] : Array.Empty<string>()];
    }

    /// <summary>One line for a run whose status changed (logs and CI, where a frame cannot be redrawn).</summary>
    public static string Change(RunSummary run, DateTimeOffset at, int width)
    {
        var loss = run.FinalLoss ?? run.LastLoss;
        var rest = $": {run.Status}, {run.StepsDone}/{run.TotalSteps} steps" + (loss is { } l ? $", loss {NumberFormat.Short(l)}" : "");
        var start = $"{at:HH:mm:ss} {IdPrefix.Short(run.Id)} ";
        return Cut(start + Cut(OneLine(run.Name), width - start.Length - rest.Length) + rest, width);
    }

    /// <summary>The finished sweep: the header, each run's size, compute and losses, and why the failed ones failed.</summary>
    public static IReadOnlyList<string> Results(SweepDetail detail, int width)
    {
        var digits = IdPrefix.DistinctDigits(detail.Runs.Select(r => r.Id));
        var rows = detail.Runs.Select(r => new[]
        {
            IdPrefix.Short(r.Id, digits), r.Name, r.Status.ToString(), NumberFormat.Short(r.NonEmbeddingParameters), NumberFormat.Short(r.PlannedTokens),
            NumberFormat.Short(r.PlannedFlops), NumberFormat.Short(r.FinalLoss), NumberFormat.Short(r.FinalValLoss),
        });
        var errors = detail.Runs.Where(r => r.Error is not null).Select(r => Cut($"{IdPrefix.Short(r.Id, digits)}: {OneLine(r.Error!)}", width));
        return
        [
            .. Header(detail, width), .. Table(width, ["Run", "Name", "Status", "Non-emb N", "Tokens", "FLOPs", "Loss", "Val loss"], rows), .. errors,
            // The whole id: a short one can name a second sweep created in the same minute (see IdPrefix.DistinctDigits).
            Cut($"Details: scalelab sweep {detail.Sweep.Id}", width),
        ];
    }

    /// <summary>
    /// Rows under their titles, one space apart, each column as wide as its widest cell (or <paramref name="least"/>)
    /// and numbers right-aligned; the second column (the name) gets what is left of <paramref name="width"/> and cuts
    /// what does not fit.
    /// </summary>
    private static IEnumerable<string> Table(int width, string[] titles, IEnumerable<string[]> rows, int[]? least = null)
    {
        const int flexible = 1;
        var all = rows.Select(r => r.Select(OneLine).ToArray()).Prepend(titles).ToList();
        var widths = titles.Select((_, c) => Math.Max(all.Max(r => r[c].Length), least?[c] ?? 0)).ToArray();
        var others = widths.Where((_, c) => c != flexible).Sum() + titles.Length - 1;
        widths[flexible] = Math.Clamp(width - others, Math.Min(8, widths[flexible]), widths[flexible]);
        return all.Select(r => Cut(string.Join(' ', r.Select((cell, c) =>
            c <= 2 ? Cut(cell, widths[c]).PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd(), width));
    }

    /// <summary><paramref name="text"/> if it fits in <paramref name="width"/> characters, else its start and "…".</summary>
    private static string Cut(string text, int width) =>
        text.Length <= width ? text : width <= 0 ? "" : text[..(width - 1)] + "…";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
