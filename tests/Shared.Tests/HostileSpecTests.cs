using System.Text.Json;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

/// <summary>
/// Specs built to crash or exhaust the service: each is refused with an error naming the field, quickly, and without
/// materialising what it describes.
/// </summary>
public class HostileSpecTests
{
    /// <summary>Parses and expands on this thread; Allocated is what that cost in managed memory (exact, unlike a timing).</summary>
    private static (IReadOnlyList<PlannedRun>? Runs, ValidationErrors Errors, long Allocated) Expand(string text)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var errors = new ValidationErrors();
        var json = YamlSpec.LooksLikeYaml(text) ? YamlSpec.ToJson(text, errors) : text;
        var spec = json is null ? null : SweepSpecParser.Parse(json, errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors);
        // What the API does with the errors: they must serialize (no unpaired surrogate may reach the writer).
        JsonSerializer.Serialize(errors.ToDictionary());
        return (runs, errors, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("""{"name":"x","kind":"random","random":{"runs":2147483647,"parameters":{"learningRate":{"logUniform":[1e-4,1e-2]}}}}""", "random")]
    [InlineData("""{"name":"x","kind":"random","random":{"runs":1000,"parameters":{"learningRate":{"logUniform":[1e-4,1e-2]}}},"axes":{"seed":[1,2]}}""", "axes")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e12,2e12,3e12,4e12,5e12,6e12,7e12,8e12,9e12,1e13,2e13,3e13,4e13,5e13,6e13,7e13,8e13,9e13,1e14,2e14,3e14],"sizesPerBudget":50}}""", "isoflop")]
    public void Designs_larger_than_the_run_limit_are_refused_by_arithmetic(string spec, string field)
    {
        var (runs, errors, allocated) = Expand(spec);
        Assert.Null(runs);
        Assert.Contains("the limit is 1000", Assert.Contains(field, errors.ToDictionary())[0]);
        Assert.True(allocated < 1 << 20, $"{allocated:N0} bytes allocated to refuse it"); // nothing of the design was made
    }

    [Fact]
    public void An_ablation_whose_arms_times_rates_exceed_the_limit_is_refused_by_arithmetic()
    {
        var values = string.Join(",", Enumerable.Range(1, 1000).Select(i => i));
        var rates = string.Join(",", Enumerable.Range(1, 20_000).Select(i => (i * 1e-7).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var spec = $$$"""{"name":"x","kind":"ablation","ablation":{"variations":{"seed":[{{{values}}}],"warmupSteps":[{{{values}}}]},"learningRates":[{{{rates}}}]}}""";
        var (runs, errors, allocated) = Expand(spec);
        Assert.Null(runs);
        Assert.Contains("the limit is 1000", Assert.Contains("ablation", errors.ToDictionary())[0]);
        // Reading the 200 KB body costs a few of its sizes; the 40 million runs it describes are never made.
        Assert.True(allocated < 40L * spec.Length, $"{allocated:N0} bytes allocated to refuse it");
    }

    [Fact]
    public void IsoFlop_sizing_with_extreme_shapes_sizes_every_point_of_a_design_at_the_run_limit()
    {
        var budgets = string.Join(",", Enumerable.Range(1, 20).Select(i => $"{i}e15"));
        // Its cost is measured in bench/hardening.sh (0.5 s of CPU at worst, from about 10 minutes); here, that it sizes every point.
        var (runs, errors, _) = Expand($$$"""{"name":"x","kind":"isoflop","isoflop":{"budgets":[{{{budgets}}}],"sizesPerBudget":50,"aspectRatio":1024,"headDim":8}}""");
        Assert.True(errors.IsEmpty, errors.ToString()); // a valid design at the run limit, sized in full
        // 20 budgets x 50 sizes, less sizes that round to the same shape within a budget.
        Assert.InRange(runs!.Count, 800, 1000);
        Assert.Equal(20, runs.Select(r => r.Name[..r.Name.IndexOf(',')]).Distinct().Count());
    }

    [Fact]
    public void A_step_count_beyond_the_engine_is_refused_and_never_turns_into_negative_flops()
    {
        var (runs, errors, _) = Expand("""{"name":"x","base":{"tokens":100000000000000,"batchSize":1,"seqLen":8}}""");
        Assert.Null(runs);
        Assert.Contains("steps", Assert.Contains("base.tokens", errors.ToDictionary())[0]);
        var config = new ScaleLab.Runs.RunConfig { Tokens = 100_000_000_000_000, BatchSize = 1, SeqLen = 8 };
        Assert.Equal(12_500_000_000_000, config.StepCount);
        Assert.True(ScaleLab.Models.TransformerShape.TrainingFlops(config) > 1e18);
    }

    [Theory]
    [InlineData("""{"name":"x","base":{"learningRate":1e309}}""", "base.learningRate")]
    [InlineData("""{"name":"x","base":{"weightDecay":-1e309}}""", "base.weightDecay")]
    [InlineData("""{"name":"x","base":{"decayFraction":1e309}}""", "base.decayFraction")]
    [InlineData("""{"name":"x","axes":{"learningRate":[1e-3,1e309]}}""", "axes.learningRate[1]")]
    [InlineData("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[1e309]}}""", "isoflop.budgets[0]")]
    [InlineData("""{"name":"x","kind":"random","random":{"runs":2,"parameters":{"learningRate":{"uniform":[0,1e309]}}}}""", "random.parameters.learningRate.uniform[1]")]
    [InlineData("""{"name":"x","base":{"tokens":100000000000000,"batchSize":1,"seqLen":8}}""", "base.tokens")]
    [InlineData("""{"name":"x","base":{"mixer":"\ud800"}}""", "base.mixer")]
    [InlineData("""{"name":"x","kind":"\udfff"}""", "kind")]
    [InlineData("""{"name":"x","\ud800":1}""", "body")]
    [InlineData("""{"name":"\ud800x"}""", "name")]
    [InlineData("""{"name":"x","axes":{"\ud800":[1]}}""", "body")]
    [InlineData("name: \"\\ud800\"\n", "body")]
    [InlineData("""{"name":"x","base":{"mixer":"nope"}}""", "base.mixer")]
    [InlineData("""{"name":"x","kind":"isoflop","base":{"mixer":"nope"},"isoflop":{"budgets":[1e12]}}""", "base.mixer")]
    [InlineData("""{"name":"x","kind":"isoflop","base":{"mixer":"hybrid","hybridPattern":"gla,hybrid"},"isoflop":{"budgets":[1e12]}}""", "base.hybridPattern")]
    [InlineData("""{"name":"x","axes":{"mixer":["softmax","nope"]}}""", "axes.mixer[1]")]
    public void Overflows_and_unpaired_surrogates_are_refused_naming_the_field(string spec, string field)
    {
        var (runs, errors, _) = Expand(spec);
        Assert.Null(runs);
        Assert.Contains(field, errors.ToDictionary().Keys);
    }
}
