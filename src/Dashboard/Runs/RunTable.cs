using System.Globalization;
using System.Text;
using ScaleLab.Catalog;
using ScaleLab.Scaling;
using static ScaleLab.Dashboard.Csv;

namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// The runs table of a sweep page: filtered (<see cref="RunFilter"/>), sorted by any field (<see cref="RunFields"/>:
/// a column's metric, the budget, a config field; runs without a value last), grouped (<see cref="RunGroups"/>) into
/// rows under collapsible headers, and as CSV and LaTeX.
/// </summary>
public static class RunTable
{
    /// <summary>The table's columns by the field each sorts by; the status column shows the error too.</summary>
    public static readonly IReadOnlyList<(string Field, string Title)> Columns =
    [
        (RunFields.Name, "Run"), (RunFields.Status, "Status"), (RunFields.Parameters, "Params (non-emb)"), (RunFields.Tokens, "Tokens"),
        (RunFields.Flops, "FLOPs"), (RunFields.Step, "Step"), (RunFields.Loss, "Loss"), (RunFields.ValLoss, "Val loss"), (RunFields.Attempt, "Attempt"),
    ];

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
        if (s.BestLoss is { } best) parts.Add($"best loss {NumberFormat.Loss(best)} ({s.BestRun})");
        if (s.MedianLoss is { } median) parts.Add($"median {NumberFormat.Loss(median)}");
        if (s.MedianValLoss is { } val) parts.Add($"median val loss {NumberFormat.Loss(val)}");
        return string.Join(" · ", parts);
    }

    public static string ToCsv(IEnumerable<RunSummary> runs)
    {
        var csv = new StringBuilder("id,name,status,non_embedding_parameters,total_parameters,tokens,flops,steps_done,total_steps,loss,val_loss,attempt,wall_clock_s,error\n");
        foreach (var r in runs)
            csv.AppendJoin(',', r.Id, Quote(r.Name), r.Status, r.NonEmbeddingParameters, r.TotalParameters, r.PlannedTokens, Number(r.PlannedFlops),
                r.StepsDone, r.TotalSteps, Optional(Loss(r)), Optional(r.FinalValLoss), r.Attempt, Optional(r.WallClockSeconds), Quote(r.Error ?? "")).Append('\n');
        return csv.ToString();
    }

    /// <summary>
    /// The table for a paper (<see cref="LatexTable"/>): its columns, and <paramref name="extra"/>'s when the table
    /// shows one; its rows as the CSV has them (all of them, in their groups' order, collapsed groups too), each group
    /// under its header.
    /// </summary>
    public static string ToLatex(IReadOnlyList<RunSummary> runs, IReadOnlyList<RunGroup>? groups, RunField? extra)
    {
        List<LatexColumn> columns = [.. Columns.Select(c => new LatexColumn(LatexTable.Text(c.Title), c.Field is RunFields.Name or RunFields.Status ? 'l' : 'r'))];
        if (extra is not null) columns.Add(new LatexColumn(LatexTable.Text(extra.Name), extra.IsNumber ? 'r' : 'l'));
        LatexRow Row(RunSummary r) => new LatexRow.Cells([.. Columns.Select(c => LatexCell(r, c.Field)), .. extra is null ? [] : new[] { ExtraCell(r, extra) }]);
        IEnumerable<LatexRow> rows = groups is null ? runs.Select(Row)
            : groups.SelectMany(g => g.Runs.Select(Row).Prepend(new LatexRow.Section(LatexTable.Text(g.Label))));
        return LatexTable.Write(columns, rows);
    }

    private static string LatexCell(RunSummary r, string field) => field switch
    {
        RunFields.Name => LatexTable.Text(r.Name),
        RunFields.Status => r.Status.ToString(),
        RunFields.Parameters => r.NonEmbeddingParameters.ToString("N0", CultureInfo.InvariantCulture),
        RunFields.Tokens => r.PlannedTokens.ToString("N0", CultureInfo.InvariantCulture),
        RunFields.Flops => LatexTable.Number(r.PlannedFlops),
        RunFields.Step => string.Create(CultureInfo.InvariantCulture, $"{r.StepsDone} / {r.TotalSteps}"),
        RunFields.Loss => LossCell(Loss(r)),
        RunFields.ValLoss => LossCell(r.FinalValLoss),
        RunFields.Attempt => r.Attempt.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a column of the runs table"),
    };

    private static string LossCell(double? loss) => loss is { } l && double.IsFinite(l) ? NumberFormat.Loss(l) : LatexTable.None;

    /// <summary>A number field's value as math (it may be 1E+13 on screen), a text field's as text.</summary>
    private static string ExtraCell(RunSummary r, RunField field) =>
        field.IsNumber && field.Number(r) is { } x ? LatexTable.Number(x) : LatexTable.Text(field.Text(r) ?? SweepFields.Missing);

    /// <summary>The loss the table shows: the final one, or the latest while the run trains.</summary>
    public static double? Loss(RunSummary r) => r.FinalLoss ?? r.LastLoss;

    private static string Optional(double? v) => v is { } x ? Number(x) : "";
}
