using ScaleLab.LossCurves;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

/// <summary>Law-based early stopping: the rule, its spec, and what it does to a study drawn from a known law.</summary>
public class LawStoppingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly EarlyStopping Law = new(Method: EarlyStoppingMethods.Law, Metric: MetricNames.Loss);

    private static LawStopping.Candidate Candidate(double low, double flops = 1e15, double parameters = 1e6) =>
        new(Guid.NewGuid(), flops, parameters, "g", 250, 1000, low + 0.02, low, low + 0.04, 0.9);

    /// <summary>A rival; its size by default far from the candidate's 1e6, so it is nobody's neighbour.</summary>
    private static LawStopping.Rival Rival(double? loss, LawStopping.RivalStatus status = LawStopping.RivalStatus.Finished, double flops = 1e15, string group = "g", double parameters = 1e6) =>
        new(Guid.NewGuid(), $"run {loss}", flops, parameters, group, status, loss);

    [Fact]
    public void A_run_stops_only_when_its_whole_interval_is_above_the_best_rival_at_its_budget()
    {
        var rivals = new[] { Rival(3.00), Rival(3.10), Rival(null, LawStopping.RivalStatus.Training) };

        var verdict = LawStopping.Judge(Law, Candidate(low: 3.05), rivals);

        Assert.NotNull(verdict);
        Assert.Contains("above the 3.0000 reached by run 3", verdict);
        Assert.Null(LawStopping.Judge(Law, Candidate(low: 2.99), rivals));        // it may still be the best
    }

    [Fact]
    public void A_training_rival_counts_by_the_high_end_of_its_own_prediction()
    {
        var rivals = new[] { Rival(3.20), Rival(2.90, LawStopping.RivalStatus.Training), Rival(null, LawStopping.RivalStatus.Training) };
        Assert.Contains("predicted at most", LawStopping.Judge(Law, Candidate(low: 3.0), rivals));
    }

    [Fact]
    public void Rivals_of_another_budget_or_group_and_runs_that_are_out_do_not_count()
    {
        var others = new[] { Rival(2.0, flops: 3e15), Rival(2.0, group: "mixer gla"), Rival(2.0, LawStopping.RivalStatus.Out), Rival(3.5), Rival(3.6), Rival(3.7) };
        Assert.Null(LawStopping.Judge(Law, Candidate(low: 3.0), others));
        // Within the IsoFLOP analysis's tolerance a budget is the same one: whole-step rounding moves FLOPs a little.
        Assert.NotNull(LawStopping.Judge(Law, Candidate(low: 3.0), [Rival(2.0, flops: 1.02e15), Rival(3.5), Rival(3.6)]));
    }

    [Fact]
    public void A_budget_keeps_at_least_keep_runs()
    {
        var two = new[] { Rival(2.0), Rival(2.1) };
        Assert.Null(LawStopping.Judge(Law, Candidate(low: 3.0), two));                       // keep 3: it is needed
        Assert.NotNull(LawStopping.Judge(Law with { Keep = 2 }, Candidate(low: 3.0), two));
    }

    [Fact]
    public void The_sizes_next_to_the_budgets_best_are_kept_so_its_profile_brackets_the_minimum()
    {
        // Sizes 1e5 .. 3e7 at one budget; the best so far is 1e6.
        var rivals = new[] { Rival(3.0, parameters: 1e6), Rival(3.3, parameters: 3e5), Rival(3.5, parameters: 1e5), Rival(3.6, parameters: 3e7) };

        Assert.Null(LawStopping.Judge(Law, Candidate(low: 3.2, parameters: 3e6), rivals));          // the next size up: kept
        Assert.NotNull(LawStopping.Judge(Law, Candidate(low: 3.2, parameters: 1e7), [.. rivals, Rival(3.2, parameters: 3e6)])); // beyond it: stopped
        Assert.NotNull(LawStopping.Judge(Law with { Keep = 1 }, Candidate(low: 3.2, parameters: 3e6), rivals)); // keep 1: only the best is kept
        Assert.Null(LawStopping.Judge(Law with { Keep = 5 }, Candidate(low: 3.2, parameters: 1e7), [.. rivals, Rival(3.2, parameters: 3e6)])); // keep 5: two a side
    }

    [Fact]
    public void A_run_is_judged_once_at_each_fraction_it_passes()
    {
        Assert.Null(LawStopping.Due(Law, 249, 1000, 0));
        Assert.Equal(250, LawStopping.Due(Law, 250, 1000, 0));
        Assert.Null(LawStopping.Due(Law, 260, 1000, 250));
        Assert.Equal(700, LawStopping.Due(Law, 700, 1000, 250));                           // resumed past 0.5: judged once, now
        Assert.Null(LawStopping.Due(Law, 900, 1000, 700));
        Assert.Null(LawStopping.Due(Law, 1000, 1000, 0));                                  // finished anyway
    }

    [Fact]
    public void The_frontier_group_leaves_out_size_rate_seed_and_length_but_not_the_architecture()
    {
        var c = new RunConfig { DModel = 64, NLayers = 2, NHeads = 2, LearningRate = 1e-3, Tokens = 1000, Seed = 1 };
        Assert.Equal(LawStopping.Group(c), LawStopping.Group(c with { DModel = 128, NLayers = 4, NHeads = 4, LearningRate = 3e-3, Tokens = 9000, Seed = 2 }));
        Assert.NotEqual(LawStopping.Group(c), LawStopping.Group(c with { Mixer = "gla" }));
    }

    [Theory]
    [InlineData("""{"method": "law"}""", null)]
    [InlineData("""{"method": "law", "at": [0.3, 0.6], "keep": 4, "metric": "loss"}""", null)]
    [InlineData("""{"method": "bayes"}""", "earlyStopping.method")]
    [InlineData("""{"method": "law", "reductionFactor": 3}""", "earlyStopping.reductionFactor")]
    [InlineData("""{"method": "law", "metric": "val_loss"}""", "earlyStopping.metric")]
    [InlineData("""{"method": "law", "at": [0.5, 1.5]}""", "earlyStopping.at[1]")]
    [InlineData("""{"method": "law", "at": []}""", "earlyStopping.at")]
    [InlineData("""{"method": "law", "keep": 0}""", "earlyStopping.keep")]
    [InlineData("""{"method": "asha", "at": [0.5]}""", "earlyStopping.at")]
    public void The_spec_takes_the_law_and_refuses_bad_options_at_the_field(string earlyStopping, string? field)
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse($$"""{"name": "s", "base": {"dModel": 16, "nLayers": 1, "nHeads": 2}, "earlyStopping": {{earlyStopping}}}""", errors);
        if (field is null)
        {
            Assert.True(errors.IsEmpty, errors.ToString());
            Assert.Equal((EarlyStoppingMethods.Law, MetricNames.Loss), (spec!.EarlyStopping!.Method, spec.EarlyStopping.Metric));
        }
        else Assert.Contains(field, errors.ToDictionary().Keys);
    }

    /// <summary>
    /// An IsoFLOP study with its sizes shared by every budget (each size's shorter run teaches the law its curve),
    /// each run's training-loss curve drawn from a known annealing law whose final loss follows Hoffmann et al.'s
    /// L(N, D): replayed under law-based stopping, only runs truly off their budget's minimum stop, each budget keeps
    /// its best run and at least three, and the N_opt exponent of what is left stays inside the full study's interval.
    /// </summary>
    [Fact]
    public void On_a_study_from_a_known_law_it_stops_only_runs_off_the_frontier_and_the_fitted_exponent_stays_in_its_interval()
    {
        var study = LawStoppingStudy.Draw(seed: 1);

        var outcome = LawStoppingReplay.Replay(study.Runs, Law, new LossCurvePredictor.Options(Bootstrap: 100));

        output.WriteLine($"{outcome.Judgements.Count} judgements, {outcome.Stopped.Count} of {study.Runs.Count} runs stopped, {outcome.SavedFraction:P1} of the compute saved");
        foreach (var j in outcome.Judgements.Where(j => j.Verdict is not null)) output.WriteLine($"{study.Runs.Single(r => r.RunId == j.RunId).Name}: {j.Verdict}");
        Assert.InRange(outcome.Stopped.Count, 3, study.Runs.Count);
        Assert.True(outcome.SavedFraction > 0.1, $"saved {outcome.SavedFraction:P1}");
        foreach (var budget in study.Runs.GroupBy(r => LawStoppingStudy.Budgets.MinBy(b => Math.Abs(Math.Log(r.Flops / b)))))
        {
            var best = budget.MinBy(r => study.TrueFinalLoss[r.RunId])!;
            Assert.DoesNotContain(best.RunId, outcome.Stopped);
            Assert.True(budget.Count(r => !outcome.Stopped.Contains(r.RunId)) >= Law.Keep);
            foreach (var stopped in budget.Where(r => outcome.Stopped.Contains(r.RunId)))
                Assert.True(study.TrueFinalLoss[stopped.RunId] > study.TrueFinalLoss[best.RunId] + 0.005, $"{stopped.Name} was on the frontier");
        }

        var options = new FitOptions { Law = FitLaw.IsoFlop, Bootstrap = 200 };
        var full = Synthetic.Fit(study.Points(), options).Groups.Single().Parameters["a"];
        var kept = Synthetic.Fit(study.Points(outcome.Stopped), options).Groups.Single().Parameters["a"];
        output.WriteLine($"a: truth {Synthetic.Hoffmann.NOptExponent:F3}, every run {full.Value:F3} [{full.Low:F3}, {full.High:F3}], after stopping {kept.Value:F3} [{kept.Low:F3}, {kept.High:F3}]");
        Assert.InRange(kept.Value, full.Low!.Value, full.High!.Value);
        Assert.InRange(full.Value, Synthetic.Hoffmann.NOptExponent - 0.05, Synthetic.Hoffmann.NOptExponent + 0.05);
    }
}
