using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

/// <summary>Adaptive design: what it measures, where it starts, what it proposes, and what it reaches against a grid of the same compute.</summary>
public class AdaptiveDesignTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly AdaptiveOptions Options = new() { Bootstrap = 100, Seed = 3 };

    private static double TrueExponent => AdaptiveDesignStudy.Truth.NOptExponent;

    [Fact]
    public void The_interval_it_narrows_is_the_one_a_fit_of_the_same_points_reports()
    {
        var points = Synthetic.IsoFlop(Synthetic.Hoffmann, [1e18, 1e19, 1e20], sizesPerBudget: 6, sigma: 0.005, seed: 2);

        var isoFlop = AdaptiveDesign.Interval(points, Options);
        var chinchilla = AdaptiveDesign.Interval(points, Options with { Target = DesignTarget.ChinchillaExponent });

        var fit = Synthetic.Fit(points, new FitOptions { Law = FitLaw.IsoFlop, Bootstrap = 100, Seed = 3 }).Groups.Single();
        Assert.Equal(fit.Parameters["a"], isoFlop.Estimate);
        Assert.Equal(fit.BootstrapUsed, isoFlop.Succeeded);
        var approach3 = Synthetic.Fit(points, new FitOptions { Law = FitLaw.Chinchilla, Bootstrap = 100, Seed = 3 }).Groups.Single();
        Assert.Equal(approach3.Derived["a"], chinchilla.Estimate);
        output.WriteLine($"IsoFLOP a = {isoFlop.Estimate!.Value:F4} [{isoFlop.Estimate.Low:F4}, {isoFlop.Estimate.High:F4}]; " +
            $"approach 3 a = {chinchilla.Estimate!.Value:F4} [{chinchilla.Estimate.Low:F4}, {chinchilla.Estimate.High:F4}]; truth {TrueExponent:F4}");
        Assert.True(isoFlop.Covers(TrueExponent) && chinchilla.Covers(TrueExponent));
        Assert.InRange(isoFlop.Width, 0.01, 0.3);
        Assert.InRange(chinchilla.Width, 0.001, 0.3);
    }

    [Fact]
    public void Before_any_fit_it_proposes_the_three_middle_sizes_at_each_of_the_two_cheapest_budgets()
    {
        var grid = AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets);

        var first = AdaptiveDesign.Propose([], [], grid, Options)!;

        Assert.Equal(ProposalReason.FirstFit, first.Reason);
        Assert.Equal(AdaptiveDesignStudy.SubGrid(grid, budgets: 2, sizes: 3).ToHashSet(), first.Runs.ToHashSet());
        Assert.Equal(6, first.Runs.Count);
        Assert.False(first.Now.Usable);
        // Queued, they are awaited: nothing else can be chosen before their losses say where the minima are.
        Assert.Null(AdaptiveDesign.Propose([], first.Runs, grid.Except(first.Runs).ToList(), Options));
    }

    [Fact]
    public void Before_any_fit_a_budget_whose_runs_fall_on_one_side_of_its_minimum_is_extended_where_its_loss_falls()
    {
        var grid = AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets);
        var byBudget = grid.GroupBy(c => c.Compute).OrderBy(g => g.Key).Select(g => g.OrderBy(c => c.N).ToList()).ToList();
        // The smallest budget's optimum lies near N₀ (its 4th size): its 3 smallest sizes fall all the way. The next budget has a minimum.
        var study = new AdaptiveDesignStudy(grid, sigma: 0.001, seed: 1);
        var finished = study.Train(byBudget[0].Take(3).Concat(byBudget[1].Skip(2).Take(3)));
        Assert.Null(IsoFlopAnalysis.Profile(finished.Take(3).ToList()));

        var next = AdaptiveDesign.Propose(finished, [], grid.Except(finished.Select(p => new CandidateRun(p.N, p.D, p.Compute))).ToList(), Options)!;

        Assert.Equal(ProposalReason.FirstFit, next.Reason);
        Assert.Equal([byBudget[0][3]], next.Runs);
    }

    [Fact]
    public void With_a_fit_it_proposes_the_missing_side_of_a_budget_whose_runs_fall_on_one_side_of_its_minimum()
    {
        // Three budgets of 9 sizes from N₀/16 to 16·N₀ (2x apart). The two larger budgets have their 5 middle sizes, which
        // bracket their minima; the smallest has only N₀/8, N₀/4 and N₀/2, all below its optimum (about 0.9·N₀), so it
        // has no minimum yet. Untrained sizes lie on both sides of those.
        var grid = AdaptiveDesignStudy.Grid([1e18, 1e19, 1e20], sizes: 9, spread: 16);
        var byBudget = grid.GroupBy(c => c.Compute).OrderBy(g => g.Key).Select(g => g.OrderBy(c => c.N).ToList()).ToList();
        var trained = byBudget[0].Skip(1).Take(3).Concat(byBudget[1].Skip(2).Take(5)).Concat(byBudget[2].Skip(2).Take(5)).ToList();
        var finished = new AdaptiveDesignStudy(grid, sigma: 0.002, seed: 4).Train(trained);
        Assert.Null(IsoFlopAnalysis.Profile(finished.Take(3).ToList()));

        var next = AdaptiveDesign.Propose(finished, [], grid.Except(trained).ToList(), Options)!;

        output.WriteLine($"now a = {next.Now.Estimate!.Value:F3} [{next.Now.Estimate.Low:F3}, {next.Now.Estimate.High:F3}] (width {next.Now.Width:F3}); " +
            $"proposed N = {next.Runs.Single().N:0.###E+0} at C = {next.Runs.Single().Compute:0.#E+0}, expected width {next.ExpectedWidth:F3}");
        Assert.Equal(ProposalReason.NarrowInterval, next.Reason);
        var run = Assert.Single(next.Runs);
        Assert.Equal(1e18, run.Compute);
        Assert.True(run.N > trained.Take(3).Max(r => r.N), "the proposal lies beyond the sizes the budget has, where its minimum is");
        Assert.True(next.ExpectedWidth < next.Now.Width);
    }

    [Fact]
    public void An_adaptive_study_reaches_a_narrower_interval_than_a_grid_of_the_same_compute_and_it_holds_the_truth()
    {
        var grid = AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets);
        // The largest grid of the same shape within a quarter of the whole grid's compute: 4 budgets x 5 sizes, 22 %.
        var smaller = AdaptiveDesignStudy.SubGrid(grid, budgets: 4, sizes: 5);
        var compute = smaller.Sum(r => r.Compute);
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var study = new AdaptiveDesignStudy(grid, sigma: 0.005, seed);
            var options = Options with { Seed = seed };

            var history = AdaptiveStudy.Simulate(grid, study.Trainer(), compute, options, runsPerRound: 2);

            var adaptive = history.Interval!;
            var plain = AdaptiveDesign.Interval(study.Train(smaller), options);
            var whole = AdaptiveDesign.Interval(study.Train(grid), options);
            output.WriteLine($"seed {seed}: adaptive {history.Points.Count} runs, {history.ComputeSpent / study.WholeGrid:P0} of the whole grid's compute, " +
                $"a = {adaptive.Estimate!.Value:F3} [{adaptive.Estimate.Low:F3}, {adaptive.Estimate.High:F3}], width {adaptive.Width:F3}; " +
                $"grid 4 x 5 ({compute / study.WholeGrid:P0}): width {plain.Width:F3}; whole grid: width {whole.Width:F3}");
            Assert.True(history.ComputeSpent <= compute);
            Assert.True(adaptive.Usable && plain.Usable);
            Assert.True(adaptive.Succeeded >= 90, $"{adaptive.Succeeded} of 100 refits");
            Assert.True(adaptive.Covers(TrueExponent), $"a = {adaptive.Estimate}");
            Assert.True(adaptive.Width < plain.Width, $"adaptive {adaptive.Width:F3}, grid {plain.Width:F3}");
        }
    }

    [Fact]
    public void A_proposal_is_the_same_for_a_seed_and_a_cancelled_one_stops()
    {
        var grid = AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets[..3]);
        var study = new AdaptiveDesignStudy(grid, sigma: 0.005, seed: 5);
        var trained = AdaptiveDesignStudy.SubGrid(grid, budgets: 3, sizes: 5);
        var finished = study.Train(trained);
        var rest = grid.Except(trained).ToList();

        var once = AdaptiveDesign.Propose(finished, [], rest, Options with { MaxThreads = 1 })!;
        var again = AdaptiveDesign.Propose(finished, [], rest, Options with { MaxThreads = 2 })!;

        Assert.Equal(once.Runs, again.Runs);
        Assert.Equal(once.Score, again.Score);
        Assert.Equal(once.Now, again.Now);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => AdaptiveDesign.Propose(finished, [], rest, Options with { Cancellation = cancelled.Token }));
    }
}
