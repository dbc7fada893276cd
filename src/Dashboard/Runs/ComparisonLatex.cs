using ScaleLab.Catalog;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// Runs compared, for a paper (<see cref="LatexTable"/>), as the comparison page shows them: a column per run, the
/// metrics with the lowest loss in bold, the config fields they differ in, and those they share when unfolded.
/// </summary>
public static class ComparisonLatex
{
    public static string Write(RunComparison comparison, bool withShared)
    {
        List<LatexColumn> columns = [new(""), .. comparison.Runs.Select(r => new LatexColumn(LatexTable.Text(r.Name)))];
        var rows = new List<LatexRow>();
        foreach (var m in ComparedMetrics.Of(comparison.Runs))
            rows.Add(new LatexRow.Cells([LatexTable.Text(m.Name), .. m.Values.Select((v, i) => Cell(m, v, i))]));
        rows.Add(new LatexRow.Section(LatexTable.Text($"Config: {Fields(comparison.Differing.Count)} {(comparison.Differing.Count == 1 ? "differs" : "differ")}")));
        rows.AddRange(comparison.Differing.Select(Row));
        if (withShared && comparison.Shared.Count > 0)
        {
            rows.Add(new LatexRow.Section(LatexTable.Text($"{Fields(comparison.Shared.Count)} the same in every run")));
            rows.AddRange(comparison.Shared.Select(Row));
        }
        return LatexTable.Write(columns, rows);
    }

    private static string Fields(int count) => count == 1 ? "1 field" : $"{count} fields";

    private static string Cell(ComparedMetric m, string value, int run)
    {
        var cell = m.Numbers?[run] is { } x ? LatexTable.Number(x) : LatexTable.Text(value);
        return m.Best == run ? LatexTable.Bold(cell) : cell;
    }

    private static LatexRow Row(ComparedField f) => new LatexRow.Cells([LatexTable.Text(f.Name), .. f.Values.Select(LatexTable.Text)]);
}
