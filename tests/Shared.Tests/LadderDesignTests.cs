using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class LadderDesignTests
{
    private static readonly Guid SweepId = Guid.Parse("0197a000-0000-7000-8000-0000000000bb");

    private const string Base = """{"task": "hmm", "batchSize": 8, "seqLen": 32, "warmupSteps": 10, "learningRate": 0.003}""";

    private static (IReadOnlyList<PlannedRun>? Runs, ValidationErrors Errors) Expand(string ladder, string axes = "{}", string baseJson = Base)
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse($$"""{"name": "ladder", "kind": "ladder", "base": {{baseJson}}, "axes": {{axes}}, "ladder": {{ladder}}}""", errors);
        return (spec is null ? null : SweepExpander.Expand(SweepId, spec, SweepLimits.Default, errors), errors);
    }

    [Fact]
    public void Each_size_trains_one_trunk_to_its_largest_budget_and_branches_every_smaller_budget_off_it()
    {
        var (runs, errors) = Expand("""{"sizes": [20000, 80000], "tokensPerParameter": [10, 20, 40, 80], "cooldown": 0.2}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(8, runs!.Count);
        foreach (var size in runs.GroupBy(r => (r.Config.DModel, r.Config.NLayers)))
        {
            var trunk = Assert.Single(size, r => r.Config.InitFrom is null);
            var n = (double)trunk.NonEmbeddingParameters;
            Assert.Equal(80 * n, trunk.Config.Tokens, 0);
            Assert.Equal(("wsd", 0.2, CooldownShapes.OneMinusSqrt), (trunk.Config.Schedule, trunk.Config.DecayFraction, trunk.Config.CooldownShape));
            var branches = size.Where(r => r.Config.InitFrom is not null).OrderBy(r => r.Config.Tokens).ToList();
            Assert.Equal(new[] { 10 * n, 20 * n, 40 * n }.Select(t => (long)Math.Round(t)), branches.Select(b => b.Config.Tokens));
            foreach (var branch in branches)
            {
                // It starts from its own trunk where its cooldown begins, and its schedule agrees with the trunk's up to there.
                Assert.Equal(trunk.RunId, branch.Config.InitFrom!.Run);
                Assert.Equal(LearningRateSchedule.DecayStart(branch.Config), branch.Config.InitFrom.Step);
                Assert.InRange(branch.Config.InitFrom.Step, (int)(branch.Config.Steps * 0.8) - 1, (int)(branch.Config.Steps * 0.8) + 1);
                Assert.Null(Branching.WhyNot(trunk.Config, branch.Config, branch.Config.InitFrom.Step));
                Assert.NotNull(Branching.WhyNot(trunk.Config, branch.Config, branch.Config.InitFrom.Step + 2)); // past its first decay step (still at the peak) the branch is cooling down
                // The point is the whole model (its flops count every step); the study pays only the cooldown.
                Assert.Equal(StudyAccounting.TrainingFlops(branch.Config, FlopAccounting()), branch.Flops, 1e-9 * branch.Flops);
                Assert.Equal(branch.Flops * (branch.Config.Steps - branch.Config.InitFrom.Step) / branch.Config.Steps, branch.OwnFlops, 1e-9 * branch.Flops);
            }
            Assert.Equal(trunk.Flops, trunk.OwnFlops);
        }
    }

    private static Scaling.FlopAccounting FlopAccounting() => Scaling.FlopAccounting.Default;

    [Fact]
    public void The_preview_shows_the_compute_spent_and_the_grid_of_the_same_points_from_scratch()
    {
        var errors = new ValidationErrors();
        const string ladder = """{"sizes": [20000, 80000], "tokensPerParameter": [10, 14, 20, 28, 40, 56, 80], "cooldown": 0.2}""";
        var spec = SweepSpecParser.Parse($$"""{"name": "ladder", "kind": "ladder", "base": {{Base}}, "ladder": {{ladder}} }""", errors)!;
        var runs = SweepExpander.Expand(SweepId, spec, SweepLimits.Default, errors)!;

        var preview = SweepPreview.Of(spec, runs, 3e10, 1);

        Assert.Equal(runs.Sum(r => r.Flops), preview.PlainGridFlops!.Value, 1e-9 * preview.PlainGridFlops.Value);
        Assert.Equal(runs.Sum(r => r.OwnFlops), preview.TotalFlops, 1e-9 * preview.TotalFlops);
        // Closed form: the trunk's 80 tokens/param plus a fifth of each smaller budget, over the sum of all budgets.
        var expected = (80 + 0.2 * (10 + 14 + 20 + 28 + 40 + 56)) / (10 + 14 + 20 + 28 + 40 + 56 + 80.0);
        Assert.Equal(expected, preview.TotalFlops / preview.PlainGridFlops.Value, 0.01);
        Assert.True(preview.TotalFlops / preview.PlainGridFlops.Value <= 0.5, "seven budgets a factor √2 apart cost at most half the grid");
        Assert.All(preview.Runs.Where(r => r.OwnFlops < r.Flops), r => Assert.EndsWith("trunk", r.BranchOf));
        Assert.Equal(preview.Runs.Sum(r => r.EstimatedDeviceSeconds), preview.EstimatedDeviceSeconds, 1e-9);
    }

    [Fact]
    public void A_grid_previews_no_saving()
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse("""{"name": "g", "axes": {"seed": [1, 2]}}""", errors)!;
        var preview = SweepPreview.Of(spec, SweepExpander.Expand(SweepId, spec, SweepLimits.Default, errors)!, 3e10, 1);
        Assert.Null(preview.PlainGridFlops);
        Assert.All(preview.Runs, r => Assert.Null(r.BranchOf));
    }

    [Fact]
    public void Axes_cross_every_run_and_each_branch_keeps_to_the_trunk_of_its_own_axis_values()
    {
        var (runs, errors) = Expand("""{"sizes": [20000], "tokensPerParameter": [20, 40]}""", axes: """{"seed": [1, 2]}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(4, runs!.Count);
        foreach (var branch in runs.Where(r => r.Config.InitFrom is not null))
        {
            var trunk = runs.Single(r => r.RunId == branch.Config.InitFrom!.Run);
            Assert.Equal(branch.Config.Seed, trunk.Config.Seed);
        }
    }

    [Fact]
    public void Learning_rates_per_point_make_a_ladder_of_their_own_at_each_rate_whose_branches_are_one_point_in_a_fit()
    {
        var (runs, errors) = Expand("""{"sizes": [20000, 80000], "tokensPerParameter": [10, 40], "learningRates": [0.001, 0.01]}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(8, runs!.Count);
        foreach (var branch in runs.Where(r => r.Config.InitFrom is not null))
        {
            var trunk = runs.Single(r => r.RunId == branch.Config.InitFrom!.Run);
            Assert.Equal((branch.Config.LearningRate, branch.Config.DModel), (trunk.Config.LearningRate, trunk.Config.DModel));
        }
        // In a fit, a branch at each rate is one point (their trunks differ with the rate): the better rate's is kept.
        var scored = runs.Select(r => new Scaling.BestLearningRate.Run(r.Config,
            new Scaling.ScalingPoint(r.NonEmbeddingParameters, r.Config.Tokens, r.Config.LearningRate == 0.01 ? 3.0 : 3.5))).ToList();
        var (kept, leftOut) = Scaling.BestLearningRate.Select(scored);
        Assert.Equal(4, leftOut);
        Assert.All(kept, p => Assert.Equal(3.0, p.Loss));
    }

    [Theory]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20], "cooldown": 1.5}""", "{}", "ladder.cooldown")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20], "cooldownShape": "cosine"}""", "{}", "ladder.cooldownShape")]
    [InlineData("""{"sizes": [], "tokensPerParameter": [20]}""", "{}", "ladder.sizes")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20, 20]}""", "{}", "ladder.tokensPerParameter")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [-1]}""", "{}", "ladder.tokensPerParameter[0]")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20], "rungs": 3}""", "{}", "ladder.rungs")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20, 40]}""", """{"tokens": [1000, 2000]}""", "axes.tokens")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20, 40]}""", """{"schedule": ["cosine"]}""", "axes.schedule")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20, 40], "learningRates": [0.01, 0.01]}""", "{}", "ladder.learningRates")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20, 40], "learningRates": [2]}""", "{}", "ladder.learningRates[0]")]
    [InlineData("""{"sizes": [20000], "tokensPerParameter": [20, 40], "learningRates": [0.01]}""", """{"learningRate": [0.001]}""", "ladder.learningRates")]
    public void Bad_ladders_are_refused_at_the_field(string ladder, string axes, string field)
    {
        var (runs, errors) = Expand(ladder, axes);
        Assert.Null(runs);
        Assert.Contains(field, errors.ToDictionary().Keys);
    }

    [Fact]
    public void A_budget_too_short_to_share_anything_with_its_trunk_is_refused_at_that_budget()
    {
        // 0.05 tokens per parameter is a handful of steps, all of them warmup: there is no stable phase to branch from.
        var (runs, errors) = Expand("""{"sizes": [20000], "tokensPerParameter": [0.05, 20]}""");
        Assert.Null(runs);
        Assert.Contains("ladder.tokensPerParameter[0]", errors.ToDictionary().Keys);
    }

    [Fact]
    public void Nobody_sets_a_starting_checkpoint_by_hand()
    {
        var errors = new ValidationErrors();
        Assert.Null(SweepSpecParser.Parse("""{"name": "x", "base": {"initFrom": {"run": "0197a000-0000-7000-8000-0000000000aa", "step": 10}}}""", errors));
        Assert.Contains("base.initFrom", errors.ToDictionary().Keys);
        errors = new ValidationErrors();
        Assert.Null(SweepSpecParser.Parse("""{"name": "x", "ladder": {"sizes": [20000], "tokensPerParameter": [20]}}""", errors));
        Assert.Contains("ladder", errors.ToDictionary().Keys); // a ladder section needs kind "ladder"
    }

    [Fact]
    public void A_branch_is_refused_a_parent_that_trained_another_model_or_schedule()
    {
        var trunk = new RunConfig { Schedule = "wsd", BatchSize = 1, SeqLen = 8, Tokens = 8 * 1000, WarmupSteps = 10 };
        var branch = trunk with { Tokens = 8 * 500 };
        Assert.Null(Branching.WhyNot(trunk, branch, LearningRateSchedule.DecayStart(branch)));
        Assert.Contains("another model", Branching.WhyNot(trunk with { DModel = 128 }, branch, 400));
        Assert.Contains("another model", Branching.WhyNot(trunk with { Seed = 7 }, branch, 400));
        Assert.Contains("schedules differ", Branching.WhyNot(trunk with { Schedule = "cosine" }, branch, 400));
        Assert.Contains("schedules differ", Branching.WhyNot(trunk with { WarmupSteps = 20 }, branch, 400));
        Assert.Contains("not inside", Branching.WhyNot(trunk, branch, 500));
    }

    [Fact]
    public void One_minus_sqrt_cooldown_falls_from_the_peak_as_one_minus_the_root_of_progress()
    {
        var c = new RunConfig { Schedule = "wsd", CooldownShape = CooldownShapes.OneMinusSqrt, LearningRate = 1e-3, WarmupSteps = 10, DecayFraction = 0.2, BatchSize = 1, SeqLen = 8, Tokens = 8 * 100 };
        var lr = LearningRateSchedule.Rates(c);

        Assert.All(lr[10..80], r => Assert.Equal(1e-3, r));
        Assert.Equal(1e-3 * (1 - Math.Sqrt(10 / 20.0)), lr[90], 12);   // half-way through the 20 decay steps
        Assert.Equal(1e-3 * (1 - Math.Sqrt(19 / 20.0)), lr[99], 12);   // the last step: small but not 0
        for (var s = 80; s < 99; s++) Assert.True(lr[s + 1] < lr[s]);
        Assert.True(lr[81] - lr[80] < lr[99] - lr[98], "steepest at the start of the cooldown, unlike linear");
        Assert.True(lr[90] < LearningRateSchedule.At(90, c with { CooldownShape = CooldownShapes.Linear }));
    }
}
