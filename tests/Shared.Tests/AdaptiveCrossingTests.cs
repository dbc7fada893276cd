using MathNet.Numerics.Distributions;
using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

/// <summary>
/// The adaptive design aimed at where two architectures' compute-optimal loss curves cross, on two known laws: Hoffmann
/// et al.'s for "softmax", and for "gla" a lower floor E (1.65) with a larger A (450), so gla is worse at
/// small compute and better beyond their crossing, at about 1.6e20 FLOPs (C = 6ND): a decade past the largest budget.
/// </summary>
public class AdaptiveCrossingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly ChinchillaLaw Softmax = AdaptiveDesignStudy.Truth;
    private static readonly ChinchillaLaw Gla = new(E: 1.65, A: 450, B: 410.7, Alpha: 0.34, Beta: 0.28);

    private static double TrueCrossing
    {
        get
        {
            LawFit Fit(ChinchillaLaw law) => new ChinchillaLawFit(law, FlopsPerToken.SixN) { FittedPoints = [] };
            return FrontierCrossings.Find("gla", Fit(Gla), "softmax", Fit(Softmax), 1e15, 1e28).Compute!.Value;
        }
    }

    // Few refits and one fantasy (the prediction itself): every L(N, D) refit is an L-BFGS fit, and a step scores every candidate.
    private static readonly AdaptiveOptions Options = new() { Target = DesignTarget.CrossingCompute, Bootstrap = 40, Fantasies = 1, Seed = 3 };

    private static List<CandidateRun> Candidates() =>
        [.. AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets[..3], sizes: 5).SelectMany(c => new[] { c with { Group = "gla" }, c with { Group = "softmax" } })];

    private static Func<CandidateRun, double> Trainer(int seed)
    {
        var noise = new Normal(0, 0.005, new Random(seed));
        var drawn = new Dictionary<CandidateRun, double>();
        return run =>
        {
            if (!drawn.TryGetValue(run, out var z)) drawn[run] = z = noise.Sample();
            return (run.Group == "gla" ? Gla : Softmax).Predict(run.N, run.D) * Math.Exp(z);
        };
    }

    [Fact]
    public void It_starts_with_each_architectures_first_fit()
    {
        var first = AdaptiveDesign.Propose([], [], Candidates(), Options)!;

        Assert.Equal(ProposalReason.FirstFit, first.Reason);
        Assert.Equal(6, first.Runs.Count(r => r.Group == "gla"));
        Assert.Equal(6, first.Runs.Count(r => r.Group == "softmax"));
    }

    [Fact]
    public void At_half_the_grids_compute_its_interval_holds_the_true_crossing()
    {
        var candidates = Candidates();
        var whole = candidates.Sum(c => c.Compute);
        var truth = Math.Log10(TrueCrossing);

        var train = Trainer(1);
        var history = AdaptiveStudy.Simulate(candidates, train, 0.5 * whole, Options, runsPerRound: 2);
        var grid = AdaptiveDesign.Interval(candidates.Select(c => c.Trained(train(c))).ToList(), Options);   // the same draw per run

        var interval = history.Interval!;
        output.WriteLine($"true crossing 10^{truth:F2}; adaptive ({history.Points.Count} runs, {history.ComputeSpent / whole:P0}, {history.Stop}): " +
            $"10^{interval.Estimate?.Value:F2} [{interval.Estimate?.Low:F2}, {interval.Estimate?.High:F2}]; whole grid: 10^{grid.Estimate?.Value:F2} [{grid.Estimate?.Low:F2}, {grid.Estimate?.High:F2}]");
        Assert.True(interval.Usable, "an interval from most refit pairs");
        Assert.True(interval.Covers(truth));
        Assert.True(history.ComputeSpent <= 0.5 * whole);
        Assert.True(grid.Covers(truth), "the whole grid's interval, as the fit reports it, holds the truth too");
    }
}
