using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class EarlyStoppingTests
{
    [Fact]
    public void Rungs_grow_by_the_reduction_factor_below_the_last_step()
    {
        Assert.Equal([100, 300, 900], new EarlyStopping(GracePeriod: 100, ReductionFactor: 3).Rungs(1000));
        Assert.Empty(new EarlyStopping(GracePeriod: 100).Rungs(100));
    }

    [Fact]
    public void A_run_continues_only_within_the_best_fraction_of_its_rung()
    {
        var rule = new EarlyStopping(ReductionFactor: 3);
        Assert.False(rule.ShouldStop(5.0, [5.0]));                    // too few runs at the rung to judge
        Assert.False(rule.ShouldStop(9.0, [1.0, 9.0]));
        Assert.True(rule.ShouldStop(9.0, [1.0, 2.0, 9.0]));           // best 1 of 3 continues
        Assert.False(rule.ShouldStop(1.5, [1.0, 2.0, 9.0, 1.5]));     // best 2 of 4
        Assert.True(rule.ShouldStop(double.NaN, [double.NaN]));        // a diverged run stops at once
        var accuracy = new EarlyStopping(Metric: "mqar_accuracy", Mode: "max", ReductionFactor: 2);
        Assert.True(accuracy.ShouldStop(0.2, [0.9, 0.2]));
        Assert.False(accuracy.ShouldStop(0.9, [0.2, 0.9]));
    }

    [Theory]
    [InlineData("""{"metric":"perplexity"}""", "earlyStopping.metric")]
    [InlineData("""{"metric":"mqar_accuracy","mode":"min"}""", "earlyStopping.mode")]
    [InlineData("""{"reductionFactor":1}""", "earlyStopping.reductionFactor")]
    [InlineData("""{"gracePeriod":0}""", "earlyStopping.gracePeriod")]
    [InlineData("""{"patience":3}""", "earlyStopping.patience")]
    [InlineData("""[]""", "earlyStopping")]
    public void A_bad_rule_is_refused_at_its_field(string rule, string field)
    {
        var errors = new ValidationErrors();
        SweepSpecParser.Parse($$"""{"name":"x","earlyStopping":{{rule}}}""", errors);
        Assert.True(errors.ToDictionary().ContainsKey(field), $"expected {field}: {errors}");
    }

    [Fact]
    public void A_valid_rule_is_part_of_the_spec()
    {
        var spec = SweepSpecParser.Parse("""{"name":"x","earlyStopping":{"metric":"val_loss","reductionFactor":2,"gracePeriod":50}}""", new ValidationErrors());
        Assert.Equal(new EarlyStopping("val_loss", "min", 2, 50), spec!.EarlyStopping);
    }
}
