using System.Text;

namespace ScaleLab.Scaling;

/// <summary>A column of a <see cref="LatexTable"/>: its header (LaTeX) and its alignment ('l', 'r' or 'c').</summary>
public sealed record LatexColumn(string Header, char Align = 'l');

/// <summary>
/// The one way ScaleLab writes a table for a paper (a fit's parameters, a sweep's runs, runs compared): a booktabs
/// tabular (it needs \usepackage{booktabs}) whose cells are LaTeX already, made by <see cref="Text"/> (escaped) or
/// <see cref="Number"/> (math, with <see cref="NumberFormat.Latex"/>'s digits), with notes as comments below it.
/// </summary>
public static class LatexTable
{
    /// <summary>A cell without a value: an en dash, as "–" is on screen.</summary>
    public const string None = "--";

    public static string Write(IReadOnlyList<LatexColumn> columns, IEnumerable<LatexRow> rows, IEnumerable<string>? notes = null)
    {
        var text = new StringBuilder();
        text.Append("\\begin{tabular}{").AppendJoin(' ', columns.Select(c => c.Align)).Append("}\n\\toprule\n");
        Line(text, [.. columns.Select(c => c.Header)]);
        text.Append("\\midrule\n");
        var first = true;
        foreach (var row in rows)
        {
            switch (row)
            {
                case LatexRow.Cells cells when cells.Values.Count != columns.Count:
                    throw new ArgumentException($"a row has {cells.Values.Count} cells for {columns.Count} columns", nameof(rows));
                case LatexRow.Cells cells:
                    Line(text, cells.Values);
                    break;
                case LatexRow.Section section:
                    if (!first) text.Append("\\midrule\n");   // the header's rule already sets off a first section
                    text.Append($"\\multicolumn{{{columns.Count}}}{{l}}{{\\textit{{{section.Title}}}}} \\\\\n");
                    break;
            }
            first = false;
        }
        text.Append("\\bottomrule\n\\end{tabular}\n");
        foreach (var note in notes ?? []) text.Append(Comment(note));
        return text.ToString();
    }

    private static void Line(StringBuilder text, IReadOnlyList<string> cells) => text.AppendJoin(" & ", cells).Append(" \\\\\n");

    /// <summary>A number in math mode with the dashboard's digits ($1.235\times10^{20}$); <see cref="None"/> without one.</summary>
    public static string Number(double? value) => value is { } v && double.IsFinite(v) ? $"${NumberFormat.Latex(v)}$" : None;

    public static string Bold(string cell) => $"\\textbf{{{cell}}}";

    /// <summary>A comment line; a line break in the text would end the comment and typeset the rest.</summary>
    public static string Comment(string text) => "% " + OneLine(text) + "\n";

    /// <summary>
    /// Text as LaTeX prints it: its ten special characters escaped, and &lt;, &gt; and | written as symbols (LaTeX's
    /// default font encoding prints them as ¡, ¿ and —); a line break becomes a space (a blank line would end the row).
    /// </summary>
    public static string Text(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in OneLine(text))
            escaped.Append(c switch
            {
                '\\' => "\\textbackslash{}",
                '{' or '}' or '$' or '&' or '#' or '%' or '_' => "\\" + c,
                '^' => "\\textasciicircum{}",
                '~' => "\\textasciitilde{}",
                '<' => "\\textless{}",
                '>' => "\\textgreater{}",
                '|' => "\\textbar{}",
                _ => c.ToString(),
            });
        return escaped.ToString();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
