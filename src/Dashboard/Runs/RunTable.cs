using System.Text;
using ScaleLab.Catalog;
using static ScaleLab.Dashboard.Csv;

namespace ScaleLab.Dashboard.Runs;

/// <summary>A column of a sweep's runs table, to sort by.</summary>
public enum RunColumn { Name, Status, Parameters, Tokens, Flops, Step, Loss, ValLoss, Attempt }

/// <summary>
/// The runs table of a sweep page: filtered by text, sorted by any column (runs without a value last), grouped
/// (<see cref="RunGroups"/>) into rows under collapsible headers, and as CSV.
/// </summary>
public static class RunTable
{
    /// <summary>Runs whose name, status or error contains the text, ignoring case; all runs for no text.</summary>
    public static IEnumerable<RunSummary> Filter(IEnumerable<RunSummary> runs, string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? runs
            : runs.Where(r => r.Name.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)
                || r.Status.ToString().Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)
                || r.Error?.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>Stable: ties keep the order the API gave (submission order).</summary>
    public static List<RunSummary> Sort(IEnumerable<RunSummary> runs, RunColumn column, bool descending)
    {
        var rows = runs.ToList();
        if (column == RunColumn.Name) return Ordered(rows, r => r.Name, descending, StringComparer.OrdinalIgnoreCase);
        if (column == RunColumn.Status) return Ordered(rows, r => r.Status.ToString(), descending, StringComparer.Ordinal);
        Func<RunSummary, double?> key = column switch
        {
            RunColumn.Parameters => r => r.NonEmbeddingParameters,
            RunColumn.Tokens => r => r.PlannedTokens,
            RunColumn.Flops => r => r.PlannedFlops,
            RunColumn.Step => r => r.StepsDone,
            RunColumn.Loss => Loss,
            RunColumn.ValLoss => r => r.FinalValLoss,
            _ => r => r.Attempt,
        };
        var known = rows.Where(r => key(r) is not null);
        var sorted = descending ? known.OrderByDescending(r => key(r)) : known.OrderBy(r => key(r));
        return [.. sorted, .. rows.Where(r => key(r) is null)];
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

    private static List<RunSummary> Ordered(List<RunSummary> rows, Func<RunSummary, string> key, bool descending, StringComparer comparer) =>
        descending ? [.. rows.OrderByDescending(key, comparer)] : [.. rows.OrderBy(key, comparer)];
}
