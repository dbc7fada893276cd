using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

/// <summary>The one table writer for papers: booktabs rules, sections, notes, and text that LaTeX prints as written.</summary>
public class LatexTableTests
{
    [Fact]
    public void A_table_has_booktabs_rules_sections_and_notes_below()
    {
        var latex = LatexTable.Write(
            [new("Run"), new("FLOPs", 'r'), new("Loss", 'r')],
            [
                new LatexRow.Section(LatexTable.Text("mixer = gla")),
                new LatexRow.Cells([LatexTable.Text("gla-d64"), LatexTable.Number(1.2e19), LatexTable.Bold("3.2841")]),
                new LatexRow.Section(LatexTable.Text("mixer = softmax")),
                new LatexRow.Cells([LatexTable.Text("softmax-d64"), LatexTable.Number(null), LatexTable.None]),
            ],
            ["losses are final\nand training losses"]);

        Assert.Equal("""
            \begin{tabular}{l r r}
            \toprule
            Run & FLOPs & Loss \\
            \midrule
            \multicolumn{3}{l}{\textit{mixer = gla}} \\
            gla-d64 & $1.2\times10^{19}$ & \textbf{3.2841} \\
            \midrule
            \multicolumn{3}{l}{\textit{mixer = softmax}} \\
            softmax-d64 & -- & -- \\
            \bottomrule
            \end{tabular}
            % losses are final and training losses

            """.ReplaceLineEndings("\n"), latex);
    }

    [Fact]
    public void Text_escapes_every_character_latex_reads_as_markup()
    {
        Assert.Equal(@"50\% of \$5 \& \#3: a\_b \{c\} \textasciitilde{}x \textasciicircum{}2 C:\textbackslash{}runs",
            LatexTable.Text(@"50% of $5 & #3: a_b {c} ~x ^2 C:\runs"));
        Assert.Equal(@"loss\textless{}3.5 \textbar{} dModel\textgreater{}64", LatexTable.Text("loss<3.5 | dModel>64"));
        Assert.Equal("two lines", LatexTable.Text("two\r\nlines"));   // a blank line inside a row would end the tabular
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => LatexTable.Write([new("a"), new("b")], [new LatexRow.Cells(["1"])]));
        Assert.Contains("1 cells for 2 columns", error.Message);
    }

    [Fact]
    public void A_comment_stays_on_its_line()
    {
        Assert.Equal("% gla: $x$ \\input{evil}\n", LatexTable.Comment("gla: $x$\n\\input{evil}"));
    }
}
