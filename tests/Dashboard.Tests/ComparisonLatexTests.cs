using ScaleLab.Catalog;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Runs;

namespace ScaleLab.Dashboard.Tests;

/// <summary>Runs compared, written for a paper as the comparison page shows them.</summary>
public class ComparisonLatexTests
{
    private static RunSummary Run(string name, double loss) =>
        new(Guid.NewGuid(), Guid.NewGuid(), name, RunStatus.Succeeded, 64_000, 65_000, 1_000_000, 3.84e11, 1, 100, 100, loss, loss, loss + 0.1, null, null, 12.5);

    private static readonly RunComparison Two = new([Run("gla_d64", 3.2), Run("softmax-d64", 3.1)],
        [new ComparedField("mixer", ["gla", "softmax"]), new ComparedField("task", ["hmm", "hmm"])]);

    [Fact]
    public void A_column_per_run_the_lowest_loss_in_bold_and_the_fields_they_differ_in()
    {
        Assert.Equal("""
            \begin{tabular}{l l l}
            \toprule
             & gla\_d64 & softmax-d64 \\
            \midrule
            Status & Succeeded & Succeeded \\
            Final loss & 3.2000 & \textbf{3.1000} \\
            Val loss & 3.3000 & \textbf{3.2000} \\
            Params (non-emb) & 64,000 & 64,000 \\
            Params (total) & 65,000 & 65,000 \\
            Tokens & 1,000,000 & 1,000,000 \\
            FLOPs & $3.84\times10^{11}$ & $3.84\times10^{11}$ \\
            Step & 100 / 100 & 100 / 100 \\
            Duration & 12 s & 12 s \\
            Attempt & 1 & 1 \\
            \midrule
            \multicolumn{3}{l}{\textit{Config: 1 field differs}} \\
            mixer & gla & softmax \\
            \bottomrule
            \end{tabular}

            """.ReplaceLineEndings("\n"), ComparisonLatex.Write(Two, withShared: false));
    }

    [Fact]
    public void The_fields_they_share_follow_when_unfolded()
    {
        var latex = ComparisonLatex.Write(Two, withShared: true);

        Assert.EndsWith("""
            mixer & gla & softmax \\
            \midrule
            \multicolumn{3}{l}{\textit{1 field the same in every run}} \\
            task & hmm & hmm \\
            \bottomrule
            \end{tabular}

            """.ReplaceLineEndings("\n"), latex);
    }
}
