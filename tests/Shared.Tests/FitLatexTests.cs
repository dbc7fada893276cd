using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

/// <summary>A fit written for a paper: the law on the figure and the parameter table in LaTeX.</summary>
public class FitLatexTests
{
    private static GroupFit Group(string name, Dictionary<string, Estimate> parameters) =>
        new(name, 20, parameters, new Dictionary<string, Estimate>(), [], 0, []);

    private static readonly GroupFit Hoffmann = Group("softmax_attn", new()
    {
        ["E"] = new(1.69, 1.6, 1.8), ["A"] = new(406.4, 300, 500), ["B"] = new(410.7, 350, 480), ["alpha"] = new(0.34, 0.32, 0.36), ["beta"] = new(0.28, 0.27, 0.3),
    });

    [Fact]
    public void The_law_is_written_with_its_fitted_numbers()
    {
        Assert.Equal("L(N, D) = 1.69 + 406.4/N^0.34 + 410.7/D^0.28", FitLatex.LawText(FitLaw.Chinchilla, Hoffmann));
        Assert.Equal(@"L(N, D) = 1.69 + \frac{406.4}{N^{0.34}} + \frac{410.7}{D^{0.28}}", FitLatex.LawLatex(FitLaw.Chinchilla, Hoffmann));
        var isoflop = Group("g", new() { ["k_N"] = new(0.09), ["a"] = new(0.5), ["k_D"] = new(1.8), ["b"] = new(0.5) });
        Assert.Equal("N_opt = 0.09·C^0.5,  D_opt = 1.8·C^0.5", FitLatex.LawText(FitLaw.IsoFlop, isoflop));
        var compute = Group("g", new() { ["A"] = new(2.5e3), ["alpha"] = new(0.05) });
        Assert.Equal("L(C) = 2500·C^-0.05", FitLatex.LawText(FitLaw.Compute, compute));
        Assert.Equal(@"L(C) = 2500\,C^{-0.05}", FitLatex.LawLatex(FitLaw.Compute, compute));
    }

    [Fact]
    public void The_table_has_a_row_per_group_with_intervals_and_escapes_names()
    {
        var point = Group("gla 50%", new() { ["E"] = new(1.8), ["A"] = new(2e5), ["B"] = new(400), ["alpha"] = new(0.3), ["beta"] = new(0.25) });
        var result = new FitResult(FitLaw.Chinchilla, 40, 200, 7, 0.95, 1e21, [Hoffmann, point], []);

        var lines = FitLatex.Table(result).Split('\n');

        Assert.Equal(@"\begin{tabular}{l r c c c c c}", lines[0]);
        Assert.Equal(@"Group & Runs & $E$ & $A$ & $B$ & $\alpha$ & $\beta$ \\", lines[2]);
        Assert.StartsWith(@"softmax\_attn & 20 & \shortstack{$1.69$ \\ \scriptsize $[1.6, 1.8]$}", lines[4]);
        Assert.Equal(@"gla 50\% & 20 & $1.8$ & $2\times10^{5}$ & $400$ & $0.3$ & $0.25$ \\", lines[5]);
        Assert.Equal(@"\bottomrule", lines[6]);
        Assert.Equal("% [low, high]: 95% bootstrap percentile intervals from 200 resamples (seed 7).", lines[8]);
    }
}
