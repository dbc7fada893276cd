using System.Text;
using ScaleLab.Catalog;
using static ScaleLab.Dashboard.Csv;

namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// The runs table of a sweep page: filtered (<see cref="RunFilter"/>), sorted by any field (<see cref="RunFields"/>:
/// a column's metric, the budget, a config field; runs without a value last), grouped (<see cref="RunGroups"/>) into
/// rows under collapsible headers, and as CSV.
/// </summary>
public static class RunTable
{
    /// <summary>
    /// Numbers numerically, text ordinally ignoring case; runs without the value last either way; stable: ties keep
    /// the order the runs came in (the API gives submission order).
    /// </summary>
    public static List<RunSummary> Sort(IEnumerable<RunSummary> runs, RunField field, bool descending)
    {
        var keyed = runs.Select(r => (Run: r, Number: field.IsNumber ? field.Number(r) : null, Text: field.IsNumber ? null : field.Text(r))).ToList();
        bool Known((RunSummary Run, double? Number, string? Text) k) => field.IsNumber ? k.Number is not null : k.Text is not null;
        var known = keyed.Where(Known);
        var sorted = field.IsNumber
            ? descending ? known.OrderByDescending(k => k.Number) : known.OrderBy(k => k.Number)
            : descending ? known.OrderByDescending(k => k.Text, StringComparer.OrdinalIgnoreCase) : known.OrderBy(k => k.Text, StringComparer.OrdinalIgnoreCase);
        return [.. sorted.Select(k => k.Run), .. keyed.Where(k => !Known(k)).Select(k => k.Run)];
    }

    /// <summary>
    /// The table's rows: the runs as they are, or with <paramref name="groups"/> each group's header followed by its
    /// runs, except for groups whose value is in <paramref name="collapsed"/> (their header only).
    /// </summary>
    public static List<RunTableRow> Rows(IReadOnlyList<RunSummary> runs, IReadOnlyList<RunGroup>? groups, IReadOnlySet<string> collapsed)
    {
        if (groups is null) return [.. runs.Select(r => new RunTableRow.OfRun(r))];
        var rows = new List<RunTableRow>(runs.Count + groups.Count);
        foreach (var g in groups)
        {
            var isCollapsed = collapsed.Contains(g.Value);
            rows.Add(new RunTableRow.OfGroup(g, isCollapsed));
            if (!isCollapsed) rows.AddRange(g.Runs.Select(r => new RunTableRow.OfRun(r)));
        }
        return rows;
    }

    /// <summary>A group header's summary: "4 runs · 3 succeeded · 1 failed · best loss 3.2000 (iso-d64) · median 3.3500 · median val loss 3.4500".</summary>
    public static string Describe(RunGroupSummary s)
    {
        var parts = new List<string> { s.Count == 1 ? "1 run" : $"{s.Count} runs", $"{s.Succeeded} succeeded" };
        if (s.Failed > 0) parts.Add($"{s.Failed} failed");
        if (s.BestLoss is { } best) parts.Add($"best loss {Loss4(best)} ({s.BestRun})");
        if (s.MedianLoss is { } median) parts.Add($"median {Loss4(median)}");
        if (s.MedianValLoss is { } val) parts.Add($"median val loss {Loss4(val)}");
        return string.Join(" · ", parts);
    }

    private static string Loss4(double loss) => loss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture);

    public static string ToCsv(IEnumerable<RunSummary> runs)
    {
        var csv = new StringBuilder("id,name,status,non_embedding_parameters,total_parameters,tokens,flops,steps_done,total_steps,loss,val_loss,attempt,wall_clock_s,error\n");
        foreach (var r in runs)
            csv.AppendJoin(',', r.Id, Quote(r.Name), r.Status, r.NonEmbeddingParameters, r.TotalParameters, r.PlannedTokens, Number(r.PlannedFlops),
                r.StepsDone, r.TotalSteps, Optional(Loss(r)), Optional(r.FinalValLoss), r.Attempt, Optional(r.WallClockSeconds), Quote(r.Error ?? "")).Append('\n');
        return csv.ToString();
    }

    /// <summary>The loss the table shows: the final one, or the latest while the run trains.</summary>
    public static double? Loss(RunSummary r) => r.FinalLoss ?? r.LastLoss;

    private static string Optional(double? v) => v is { } x ? Number(x) : "";
}
