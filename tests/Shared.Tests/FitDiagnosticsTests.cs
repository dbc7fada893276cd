using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

/// <summary>Every fit lists the points it used and left out, its degrees of freedom, residuals, and warnings in words.</summary>
public class FitDiagnosticsTests
{
    private static FitResult Run(IReadOnlyList<ScalingPoint> points, FitOptions options) => Synthetic.Fit(points, options);

    private static readonly double[] FiveBudgets = [1e18, 3e18, 1e19, 3e19, 1e20];

    [Fact]
    public void A_good_fit_has_residuals_for_every_point_the_degrees_of_freedom_and_no_warnings()
    {
        var points = Synthetic.Grid(Synthetic.Hoffmann, Synthetic.LogSpace(1e7, 1e10, 6), Synthetic.LogSpace(1e9, 1e12, 6), 0.005, 4);
        var g = Run(points, new FitOptions { Law = FitLaw.Chinchilla, Bootstrap = 50 }).Groups.Single();

        Assert.Equal(36, g.Used.Count);
        Assert.Empty(g.Excluded);
        Assert.Equal(36 - 5, g.DegreesOfFreedom);
        foreach (var r in g.Used)
        {
            Assert.Equal(Math.Log(r.Point.Loss / r.Predicted), r.LogResidual, 12);
            Assert.InRange(Math.Abs(r.LogResidual), 0, 0.03); // noise of 0.5 %: no residual beyond six sigma
        }
        Assert.Empty(g.Warnings);
    }

    [Fact]
    public void Points_trained_on_repeated_data_are_flagged_with_how_many_and_how_far()
    {
        var points = Synthetic.Grid(Synthetic.Hoffmann, Synthetic.LogSpace(1e7, 1e10, 6), Synthetic.LogSpace(1e9, 1e12, 6), 0.005, 4);
        // The data set holds 1e11 tokens: runs on more read it again.
        var epochs = points.Select(p => p with { Epochs = p.D / 1e11 }).ToList();
        var warning = Assert.Single(Run(epochs, new FitOptions { Law = FitLaw.Chinchilla, Bootstrap = 0 }).Groups.Single().Warnings,
            w => w.Contains("repeated data", StringComparison.Ordinal));
        Assert.StartsWith("6 of 36 points trained on repeated data (more than 4 epochs, up to 10)", warning);

        var fresh = points.Select(p => p with { Epochs = p.D / 1e13 }).ToList();
        Assert.DoesNotContain(Run(fresh, new FitOptions { Law = FitLaw.Chinchilla, Bootstrap = 0 }).Groups.Single().Warnings,
            w => w.Contains("repeated data", StringComparison.Ordinal));
    }

    [Fact]
    public void An_isoflop_fit_names_the_budget_it_dropped_and_why()
    {
        var points = Synthetic.IsoFlop(Synthetic.Hoffmann, FiveBudgets, 7, 0.002, 5);
        // The largest budget's runs are all far smaller than its optimum: their losses only fall, with no minimum.
        var nOpt = Synthetic.Hoffmann.ComputeOptimal(1e21).N;
        points.AddRange(Synthetic.LogSpace(nOpt / 400, nOpt / 40, 4).Select(n => new ScalingPoint(n, 1e21 / (6 * n), Synthetic.Hoffmann.Predict(n, 1e21 / (6 * n)), 1e21)));
        var g = Run(points, new FitOptions { Law = FitLaw.IsoFlop, TargetCompute = 1e21 }).Groups.Single();

        Assert.Equal(5, g.Profiles.Count);
        var dropped = g.Excluded.Where(e => e.Reason.Contains("do not bracket a minimum")).ToList();
        Assert.Equal(4, dropped.Count);
        Assert.All(dropped, e => Assert.Contains("budget C=1E+21", e.Reason));
        // The other budgets keep the 5 of their 7 sizes around their minimum; the two beyond are named too.
        Assert.Equal(5 * 2, g.Excluded.Count(e => e.Reason == IsoFlopAnalysis.OutsideParabola));
        Assert.Equal(5 * 5, g.Used.Count);
        Assert.Equal(5 * 5 - 3 * 5, g.DegreesOfFreedom);
        var warning = Assert.Single(g.Warnings, w => w.StartsWith("14 of 39 points were left out:", StringComparison.Ordinal));
        Assert.Contains("4 because the losses of budget C=1E+21 do not bracket a minimum", warning);
    }

    [Fact]
    public void Isoflop_loss_is_extrapolated_with_a_floor_and_never_below_the_irreducible_loss()
    {
        var points = Synthetic.IsoFlop(Synthetic.Hoffmann, FiveBudgets, 7, 0.001, 6);
        var g = Run(points, new FitOptions { Law = FitLaw.IsoFlop, TargetCompute = 1e25 }).Groups.Single();

        var loss = g.Derived["loss_at_target"].Value;
        Assert.True(loss > Synthetic.Hoffmann.E, $"loss at 1e25 = {loss}, below the irreducible {Synthetic.Hoffmann.E}");
        Assert.InRange(loss / Synthetic.Hoffmann.ComputeOptimal(1e25).Loss, 0.95, 1.05); // five orders of magnitude beyond the data
        Assert.Contains(g.Warnings, w => w.Contains("the target compute 1E+25 is 1E+5x the largest in the data (1E+20)", StringComparison.Ordinal));
    }

    [Fact]
    public void With_too_few_budgets_for_a_floor_isoflop_loss_is_not_extrapolated_and_says_so()
    {
        var points = Synthetic.IsoFlop(Synthetic.Hoffmann, [1e18, 1e19, 1e20], 7, 0.001, 7);
        var g = Run(points, new FitOptions { Law = FitLaw.IsoFlop, TargetCompute = 1e22 }).Groups.Single();

        Assert.True(double.IsNaN(g.Derived["loss_at_target"].Value));
        Assert.True(double.IsFinite(g.Derived["N_opt"].Value)); // the allocation is still extrapolated, with its own warning
        Assert.Contains(g.Warnings, w => w.StartsWith("loss is not extrapolated beyond the largest budget", StringComparison.Ordinal));
        Assert.Contains(g.Warnings, w => w.StartsWith("the target compute 1E+22 is 100x the largest", StringComparison.Ordinal));
    }

    private static GroupFit Group(Dictionary<string, Estimate> parameters, Dictionary<string, Estimate> derived, int dof = 20, int bootstrapUsed = 200) =>
        new("all", 30, parameters, derived, [], bootstrapUsed, [], DegreesOfFreedom: dof);

    [Fact]
    public void A_degenerate_fit_is_flagged_in_words()
    {
        var g = Group(new() { ["E"] = new(1e-89), ["alpha"] = new(-39.2), ["beta"] = new(0.097) },
            new() { ["N_opt"] = new(double.NaN), ["tokens_per_parameter"] = new(8.2e-5) }, dof: 1, bootstrapUsed: 60);
        var warnings = FitWarnings.For(FitLaw.Chinchilla, g, 3e9, 3e9, 200);

        Assert.Equal(5, warnings.Count);
        Assert.StartsWith("too few points: 1 degrees of freedom", warnings[0]);
        Assert.StartsWith("alpha = -39.2 is not positive: in these runs loss does not fall with model size", warnings[1]);
        Assert.StartsWith("N_opt cannot be derived", warnings[2]);
        Assert.StartsWith("tokens_per_parameter = 8.2E-5 at the target is not a real allocation", warnings[3]);
        Assert.StartsWith("only 60 of 200 bootstrap refits succeeded", warnings[4]);
    }

    [Fact]
    public void Intervals_wider_than_the_estimate_and_estimates_at_the_edge_of_their_range_are_flagged()
    {
        var g = Group(new() { ["E"] = new(1.7, 1.6, 1.8), ["alpha"] = new(0.3, 0.3, 0.4) },
            new() { ["a"] = new(0.84, -325.9, 15.39), ["loss_at_target"] = new(1.5, 1.4, 1.6) });
        var warnings = FitWarnings.For(FitLaw.Chinchilla, g, 1e21, 1e21, 200);

        Assert.Contains("alpha = 0.3 lies at the edge of its bootstrap range [0.3, 0.4]: the fit sits on a boundary of what the resamples find.", warnings);
        Assert.Contains("a = 0.84 [-325.9, 15.39]: the interval is wider than the estimate itself; the data do not pin it down.", warnings);
        Assert.Contains("loss_at_target = 1.5 is below the irreducible loss E = 1.7, which no model can reach.", warnings);
        Assert.Equal(3, warnings.Count);
    }

    [Fact]
    public void The_compute_law_lists_the_points_above_its_frontier_as_left_out()
    {
        var points = Synthetic.Grid(Synthetic.Hoffmann, Synthetic.LogSpace(1e7, 1e10, 6), Synthetic.LogSpace(1e9, 1e12, 6), 0.002, 8);
        var g = Run(points, new FitOptions { Law = FitLaw.Compute }).Groups.Single();

        Assert.Equal(36, g.Used.Count + g.Excluded.Count);
        Assert.NotEmpty(g.Excluded);
        Assert.All(g.Excluded, e => Assert.StartsWith("they lie above the compute-efficient frontier", e.Reason));
        Assert.Equal(g.Used.Count - 3, g.DegreesOfFreedom);
    }

    [Theory]
    [InlineData(FitLaw.Chinchilla)]
    [InlineData(FitLaw.IsoFlop)]
    public void The_rollout_check_predicts_the_held_out_largest_budget_when_the_law_holds(FitLaw law)
    {
        var points = Synthetic.IsoFlop(Synthetic.Hoffmann, FiveBudgets, 7, 0.002, 9);
        var g = Run(points, new FitOptions { Law = law }).Groups.Single();

        var r = g.Rollout!;
        Assert.Null(r.Unavailable);
        Assert.StartsWith("the largest budget, C=1E+20 (7 points)", r.HeldOut);
        Assert.Equal(7, r.HeldOutPoints);
        Assert.InRange(r.LossError!.Value, 0, 0.01);
        if (law == FitLaw.IsoFlop) Assert.InRange(Math.Abs(r.NOptError!.Value), 0, 0.15);
        Assert.DoesNotContain(g.Warnings, w => w.Contains("rollout", StringComparison.Ordinal));
    }

    [Fact]
    public void The_rollout_check_fails_when_the_largest_budget_breaks_the_law()
    {
        // The largest budget's runs lose 6 % more than the law says: a regime the smaller budgets cannot foresee.
        var points = Synthetic.IsoFlop(Synthetic.Hoffmann, FiveBudgets, 7, 0.002, 10)
            .Select(p => p.Compute > 5e19 ? p with { Loss = p.Loss * 1.06 } : p).ToList();
        var g = Run(points, new FitOptions { Law = FitLaw.Chinchilla }).Groups.Single();

        Assert.InRange(g.Rollout!.LossError!.Value, 0.03, 0.08);
        Assert.Contains(g.Warnings, w => w.StartsWith("the rollout check fails: refitted without the largest budget", StringComparison.Ordinal));
    }

    [Fact]
    public void A_grid_holds_out_its_largest_model()
    {
        var points = Synthetic.Grid(Synthetic.Hoffmann, Synthetic.LogSpace(1e7, 1e10, 6), Synthetic.LogSpace(1e9, 1e12, 6), 0.005, 11);
        var r = Run(points, new FitOptions { Law = FitLaw.Chinchilla }).Groups.Single().Rollout!;
        Assert.StartsWith("the largest model, N=1E+10 (6 points)", r.HeldOut);
        Assert.InRange(r.LossError!.Value, 0, 0.02);
    }
}
