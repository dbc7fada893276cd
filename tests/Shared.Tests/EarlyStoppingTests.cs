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

    /// <summary>
    /// The shipped mixer ablation (5 arms x 3 rates x 2 seeds), replayed through ASHA with losses where arms differ far
    /// more than rates do, as softmax and linear attention do. Ranked across arms, whole arms stop at the first rung;
    /// ranked within arms, each arm keeps its best rate to the end.
    /// </summary>
    [Fact]
    public void Early_stopping_ranks_runs_within_their_arm_and_never_empties_an_arm()
    {
        var errors = new ValidationErrors();
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "ablation-mixers.yaml"));
        var spec = SweepSpecParser.Parse(YamlSpec.ToJson(text, errors)!, errors)!;
        var runs = SweepExpander.Expand(Guid.NewGuid(), spec, SweepLimits.Default, errors)!;
        Assert.True(errors.IsEmpty, errors.ToString());
        var labels = ScaleLab.Analysis.ArmComparison.ArmLabels(runs.Select(r => r.Config).ToList());
        var armOf = runs.Zip(labels).ToDictionary(p => p.First.RunId, p => p.Second);
        Assert.Equal(5, armOf.Values.Distinct().Count());

        var arms = armOf.Values.Distinct().Order().ToList();
        var rates = runs.Select(r => r.Config.LearningRate).Distinct().Order().ToList();
        // Arm k is k whole nats worse than arm 0; within an arm the middle rate is best by a little.
        double Loss(PlannedRun r) => 2.0 + arms.IndexOf(armOf[r.RunId]) + 0.05 * Math.Abs(rates.IndexOf(r.Config.LearningRate) - 1) + 0.001 * r.Config.Seed;
        var rule = spec.EarlyStopping!;
        var steps = runs[0].Config.Steps;

        var stoppedWithin = Replay(new SuccessiveHalving(rule, new Dictionary<string, List<double>>(), new Dictionary<Guid, int>(), armOf));
        var stoppedAcross = Replay(new SuccessiveHalving(rule, new Dictionary<string, List<double>>(), new Dictionary<Guid, int>(), new Dictionary<Guid, string>()));

        // The bug: ranked across arms, whole arms are stopped (in the real study 4 of 5; in this replay, where the first
        // runs at a rung are too few to judge, at least 2).
        Assert.True(arms.Count(arm => runs.Where(r => armOf[r.RunId] == arm).All(r => stoppedAcross.Contains(r.RunId))) >= 2);
        foreach (var arm in arms)
        {
            var survivors = runs.Where(r => armOf[r.RunId] == arm && !stoppedWithin.Contains(r.RunId)).ToList();
            Assert.NotEmpty(survivors);
            Assert.Contains(survivors, r => r.Config.LearningRate == rates[1]); // the arm's best rate goes on
        }

        HashSet<Guid> Replay(SuccessiveHalving asha)
        {
            var stopped = new HashSet<Guid>();
            foreach (var rung in rule.Rungs(steps))
                foreach (var run in runs.Where(r => !stopped.Contains(r.RunId)))
                    if (asha.Judge(run.RunId, rung, steps, Loss(run)) is not null) stopped.Add(run.RunId);
            return stopped;
        }
    }

    [Fact]
    public void An_arm_without_a_result_says_why()
    {
        var config = new ScaleLab.Runs.RunConfig();
        var runs = new List<ScaleLab.Analysis.ScoredRun>
        {
            new(Guid.NewGuid(), config with { Mixer = "softmax" }, 2.1),
            new(Guid.NewGuid(), config with { Mixer = "gla" }, null, ScaleLab.Runs.RunStatus.Stopped),
            new(Guid.NewGuid(), config with { Mixer = "gla", Seed = 2 }, null, ScaleLab.Runs.RunStatus.Failed),
            new(Guid.NewGuid(), config with { Mixer = "mamba" }, null, ScaleLab.Runs.RunStatus.Running),
        };
        var arms = ScaleLab.Analysis.ArmComparison.BestPerArm(runs).ToDictionary(a => a.Label);

        Assert.Null(arms["mixer=\"softmax\""].NoResult);
        Assert.Equal("no run of this arm finished with a validation loss: 1 failed, 1 stopped early", arms["mixer=\"gla\""].NoResult);
        Assert.Equal("no result yet: 1 running", arms["mixer=\"mamba\""].NoResult);
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
