using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class StudyDesignTests
{
    private static readonly Guid SweepId = Guid.Parse("0197a000-0000-7000-8000-0000000000aa");

    private static (IReadOnlyList<PlannedRun>? Runs, ValidationErrors Errors) Expand(string json)
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(json, errors);
        return (spec is null ? null : SweepExpander.Expand(SweepId, spec, SweepLimits.Default, errors), errors);
    }

    [Theory]
    [InlineData(3e4)]
    [InlineData(2e5)]
    [InlineData(5e6)]
    [InlineData(1e8)]
    public void Shape_helper_lands_near_the_target_size_with_whole_heads(double target)
    {
        var shaped = ModelSizing.ForParameters(new RunConfig(), target, aspectRatio: 64, headDim: 32);

        Assert.InRange(TransformerShape.NonEmbeddingParameters(shaped) / target, 0.5, 2.0);
        Assert.Equal(0, shaped.DModel % 32);
        Assert.Equal(shaped.DModel / 32, shaped.NHeads);
    }

    [Theory]
    [InlineData("softmax", 64, 32)]
    [InlineData("softmax", 1024, 8)]
    [InlineData("mamba", 16, 64)]
    [InlineData("hybrid", 128, 16)]
    [InlineData("linear", 1, 8)]
    public void Shape_search_picks_what_trying_every_shape_would(string mixer, int aspectRatio, int headDim)
    {
        var template = new RunConfig { Mixer = mixer };
        for (var target = 2e3; target < 3e10; target *= 1.9)
        {
            var fast = ModelSizing.ForParameters(template, target, aspectRatio, headDim);
            var exhaustive = EveryShape(template, target, aspectRatio, headDim);
            Assert.True((fast.DModel, fast.NLayers) == (exhaustive.DModel, exhaustive.NLayers),
                $"target {target:E2}: search chose d={fast.DModel}, L={fast.NLayers}; trying every shape gives d={exhaustive.DModel}, L={exhaustive.NLayers}");
        }
    }

    /// <summary>The reference: every depth and every whole-head width in range, scored the same way.</summary>
    private static RunConfig EveryShape(RunConfig template, double target, int aspectRatio, int headDim)
    {
        RunConfig? best = null;
        var bestScore = double.PositiveInfinity;
        for (var layers = 1; layers <= ModelSizing.MaxLayers; layers++)
        {
            var (lowest, highest) = ModelSizing.HeadRange(layers, aspectRatio, headDim);
            for (var heads = lowest; heads <= highest; heads++)
            {
                var candidate = template with { DModel = heads * headDim, NLayers = layers, NHeads = heads };
                var score = ModelSizing.Score(TransformerShape.NonEmbeddingParameters(candidate), candidate, target, aspectRatio);
                if (score < bestScore) (best, bestScore) = (candidate, score);
            }
        }
        return best!;
    }

    [Fact]
    public void IsoFlop_design_trains_every_size_on_exactly_its_budget()
    {
        var (runs, errors) = Expand("""
            {"name":"iso","kind":"isoflop","base":{"seqLen":64,"batchSize":8},
             "isoflop":{"budgets":[1e13,1e14],"sizesPerBudget":5,"spread":4}}
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        foreach (var budget in new[] { 1e13, 1e14 })
        {
            var group = runs!.Where(r => r.Name.StartsWith($"C={budget:0.##E+0},", StringComparison.Ordinal)).ToList();
            Assert.InRange(group.Count, 3, 5); // sizes that round to the same shape are kept once
            Assert.All(group, r => Assert.InRange(r.Flops / budget, 0.95, 1.05));
            var sizes = group.Select(r => (double)r.NonEmbeddingParameters).ToList();
            Assert.Equal(sizes.Order(), sizes); // smallest to largest
            var prior = ModelSizing.PriorOptimalParameters(budget);
            Assert.True(sizes[0] < prior && prior < sizes[^1], $"{prior} is not bracketed by {string.Join(", ", sizes)}");
            Assert.True(group.Select(r => r.Config.Tokens).Distinct().Count() == group.Count, "smaller models get more tokens");
        }
    }

    [Fact]
    public void IsoFlop_sizes_can_be_given_and_crossed_with_axes()
    {
        var (runs, errors) = Expand("""
            {"name":"iso","kind":"isoflop","isoflop":{"budgets":[1e13],"sizes":[5e4,2e5,8e5]},"axes":{"seed":[1,2]}}
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(6, runs!.Count);
        Assert.Equal(3, runs.Count(r => r.Name.EndsWith("seed=2", StringComparison.Ordinal)));
    }

    [Fact]
    public void IsoFlop_learning_rates_train_every_budget_and_size_at_each_rate_and_the_preview_counts_them_all()
    {
        const string design = """
            {"name":"iso","kind":"isoflop","base":{"seqLen":64,"batchSize":8},
             "isoflop":{"budgets":[1e13,1e14],"sizesPerBudget":3,"spread":4%RATES%}}
            """;
        var (once, _) = Expand(design.Replace("%RATES%", ""));
        var (runs, errors) = Expand(design.Replace("%RATES%", ""","learningRates":[0.001,0.003,0.01]"""));

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(3 * once!.Count, runs!.Count);
        foreach (var point in once)
        {
            // The same model and tokens (so the same budget) at each rate, named by it; nothing else changes.
            var atRates = runs.Where(r => r.Name.StartsWith(point.Name + ", lr=", StringComparison.Ordinal)).ToList();
            Assert.Equal([0.001, 0.003, 0.01], atRates.Select(r => r.Config.LearningRate));
            Assert.All(atRates, r => Assert.Equal(point.Config with { LearningRate = r.Config.LearningRate }, r.Config));
            Assert.All(atRates, r => Assert.Equal(point.Flops, r.Flops));
        }
        Assert.Equal(3, runs.Select(r => r.RunId).Distinct().Count() / once.Count);
        var errorsOfPreview = new ValidationErrors();
        var spec = SweepSpecParser.Parse(design.Replace("%RATES%", ""","learningRates":[0.001,0.003,0.01]"""), errorsOfPreview)!;
        var preview = SweepPreview.Of(spec, runs, 3e10, 1);
        Assert.Equal(runs.Count, preview.RunCount);
        Assert.Equal(3 * once.Sum(r => r.Flops), preview.TotalFlops, 1e-9 * preview.TotalFlops);
    }

    [Fact]
    public void IsoFlop_learning_rates_cross_with_axes_and_errors_name_the_rate()
    {
        var (runs, errors) = Expand("""
            {"name":"iso","kind":"isoflop","isoflop":{"budgets":[1e13],"sizes":[5e4,2e5],"learningRates":[0.001,0.01]},"axes":{"seed":[1,2]}}
            """);
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(2 * 2 * 2, runs!.Count);

        // A rate the run config refuses is reported at the rate that made it, not at base.learningRate.
        var (_, refused) = Expand("""
            {"name":"iso","kind":"isoflop","base":{"warmupSteps":5},"isoflop":{"budgets":[1e13],"sizes":[5e4],"learningRates":[0.001,2]}}
            """);
        Assert.Contains("isoflop.learningRates[1]", refused.ToDictionary().Keys);
    }

    [Fact]
    public void Ablation_varies_one_factor_at_a_time_and_sweeps_the_learning_rate_per_arm()
    {
        var (runs, errors) = Expand("""
            {"name":"abl","kind":"ablation","base":{"nLayers":2,"learningRate":0.003},
             "ablation":{"variations":{"nLayers":[1,4],"dModel":[128]},"learningRates":[0.001,0.003,0.01]}}
            """);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(4 * 3, runs!.Count); // base + 3 variations, each at 3 rates
        Assert.Contains(runs, r => r.Name == "nLayers=4, lr=0.01" && r.Config is { NLayers: 4, LearningRate: 0.01, DModel: 64 });
        Assert.Contains(runs, r => r.Name == "base, lr=0.001" && r.Config is { NLayers: 2, LearningRate: 0.001 });
    }

    [Theory]
    [InlineData("""{"name":"x","kind":"isoflop"}""", "isoflop")]
    [InlineData("""{"name":"x","isoflop":{"budgets":[1e12]}}""", "isoflop")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[-5]}}""", "isoflop.budgets[0]")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[]}}""", "isoflop.budgets")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12],"spread":0.5}}""", "isoflop.spread")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12],"colour":1}}""", "isoflop.colour")]
    [InlineData("""{"name":"x","kind":"isoflop","base":{"seqLen":8192,"batchSize":4096},"isoflop":{"budgets":[1e7]}}""", "isoflop.budgets[0]")]
    [InlineData("""{"name":"x","kind":"ablation","base":{"nLayers":2},"ablation":{"variations":{"nLayers":[2]}}}""", "ablation.variations")]
    [InlineData("""{"name":"x","kind":"ablation","ablation":{"variations":{"nLayers":[0]}}}""", "ablation.variations.nLayers[0]")]
    [InlineData("""{"name":"x","kind":"ablation","ablation":{"variations":{"wings":[2]}}}""", "ablation.variations.wings")]
    [InlineData("""{"name":"x","kind":"ablation","ablation":{"variations":{"nLayers":[3]},"learningRates":[-1]}}""", "ablation.learningRates[0]")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12],"learningRates":[]}}""", "isoflop.learningRates")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12],"learningRates":[0.001,0]}}""", "isoflop.learningRates[1]")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12],"learningRates":[0.001,"fast"]}}""", "isoflop.learningRates[1]")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12],"learningRates":[0.001,0.001]}}""", "isoflop.learningRates")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12],"learningRates":[0.001,0.01]},"axes":{"learningRate":[0.1]}}""", "isoflop.learningRates")]
    public void Invalid_study_designs_are_refused_naming_the_field(string json, string field)
    {
        var (runs, errors) = Expand(json);

        Assert.Null(runs);
        Assert.Contains(field, errors.ToDictionary().Keys);
    }
}
