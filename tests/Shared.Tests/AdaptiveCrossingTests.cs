using MathNet.Numerics.Distributions;
using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

/// <summary>
/// The adaptive design aimed at where two architectures' compute-optimal loss curves cross, on two known laws
/// (<see cref="AdaptiveDesignStudy.Gla"/> against Hoffmann et al.'s), which cross at about 1.6e20 FLOPs (C = 6ND): a
/// decade past the largest budget.
/// </summary>
public class AdaptiveCrossingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // Few refits and one fantasy (the prediction itself): every L(N, D) refit is an L-BFGS fit, and a step scores every candidate.
    private static readonly AdaptiveOptions Options = new() { Target = DesignTarget.CrossingCompute, Bootstrap = 40, Fantasies = 1, Seed = 3 };

    private static List<CandidateRun> Candidates() => AdaptiveDesignStudy.Pairs(AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets[..3], sizes: 5));

    private static Func<CandidateRun, double> Trainer(int seed)
    {
        var noise = new Normal(0, 0.005, new Random(seed));
        var drawn = new Dictionary<CandidateRun, double>();
        return run =>
        {
            if (!drawn.TryGetValue(run, out var z)) drawn[run] = z = noise.Sample();
            return AdaptiveDesignStudy.LawOf(run).Predict(run.N, run.D) * Math.Exp(z);
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
        var truth = AdaptiveDesignStudy.TrueCrossing();

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
