using System.Globalization;

namespace ScaleLab.Scaling;

/// <summary>
/// A fit written for a paper: its law as a formula (on figures, <see cref="LawText"/>, and in LaTeX) and its parameter
/// table as a LaTeX tabular (booktabs), one row per group, each estimate with its interval.
/// </summary>
public static class FitLatex
{
    /// <summary>The fitted law of a group in plain text, for a figure: "L(N, D) = 1.69 + 406.4/N^0.34 + 410.7/D^0.28".</summary>
    public static string LawText(FitLaw law, GroupFit g)
    {
        string P(string key) => NumberFormat.Short(g.Parameters.GetValueOrDefault(key)?.Value);
        return law switch
        {
            FitLaw.Chinchilla => $"L(N, D) = {P("E")} + {P("A")}/N^{P("alpha")} + {P("B")}/D^{P("beta")}",
            FitLaw.IsoFlop => $"N_opt = {P("k_N")}·C^{P("a")},  D_opt = {P("k_D")}·C^{P("b")}",
            _ => g.Parameters.ContainsKey("E") ? $"L(C) = {P("E")} + {P("A")}·C^-{P("alpha")}" : $"L(C) = {P("A")}·C^-{P("alpha")}",
        };
    }

    /// <summary>The same law in LaTeX math.</summary>
    public static string LawLatex(FitLaw law, GroupFit g)
    {
        string P(string key) => g.Parameters.GetValueOrDefault(key) is { } e ? NumberFormat.Latex(e.Value) : "\\text{--}";
        return law switch
        {
            FitLaw.Chinchilla => $"L(N, D) = {P("E")} + \\frac{{{P("A")}}}{{N^{{{P("alpha")}}}}} + \\frac{{{P("B")}}}{{D^{{{P("beta")}}}}}",
            FitLaw.IsoFlop => $"N_\\mathrm{{opt}} = {P("k_N")}\\,C^{{{P("a")}}},\\quad D_\\mathrm{{opt}} = {P("k_D")}\\,C^{{{P("b")}}}",
            _ => (g.Parameters.ContainsKey("E") ? $"L(C) = {P("E")} + " : "L(C) = ") + $"{P("A")}\\,C^{{-{P("alpha")}}}",
        };
    }

    private static readonly Dictionary<string, string> Symbols = new(StringComparer.Ordinal)
    {
        ["alpha"] = "$\\alpha$", ["beta"] = "$\\beta$", ["k_N"] = "$k_N$", ["k_D"] = "$k_D$", ["a"] = "$a$", ["b"] = "$b$",
        ["E"] = "$E$", ["A"] = "$A$", ["B"] = "$B$",
    };

    /// <summary>
    /// The parameter table: a column per parameter, a row per group, each cell the estimate and, when bootstrapped,
    /// its interval below it in brackets. Needs \usepackage{booktabs}.
    /// </summary>
    public static string Table(FitResult result)
    {
        var keys = result.Groups.SelectMany(g => g.Parameters.Keys).Distinct().ToList();
        List<LatexColumn> columns = [new("Group"), new("Runs", 'r'), .. keys.Select(k => new LatexColumn(Symbols.GetValueOrDefault(k) ?? LatexTable.Text(k), 'c'))];
        var rows = result.Groups.Select(g => new LatexRow.Cells(
            [LatexTable.Text(g.Group), g.Points.ToString(CultureInfo.InvariantCulture), .. keys.Select(k => Cell(g.Parameters.GetValueOrDefault(k)))]));
        string[] notes = result.Bootstrap > 0
            ? [string.Create(CultureInfo.InvariantCulture, $"[low, high]: {result.Confidence * 100:0}% bootstrap percentile intervals from {result.Bootstrap} resamples (seed {result.Seed}).")]
            : [];
        return LatexTable.Write(columns, rows, notes);
    }

    private static string Cell(Estimate? e) =>
        e is null || !double.IsFinite(e.Value) ? LatexTable.None
        : e.Low is { } low && e.High is { } high
            ? $"\\shortstack{{${NumberFormat.Latex(e.Value)}$ \\\\ \\scriptsize $[{NumberFormat.Latex(low)}, {NumberFormat.Latex(high)}]$}}"
            : LatexTable.Number(e.Value);
}
