using ScaleLab.LossCurves;
using ScaleLab.Runs;

namespace ScaleLab.Shared.Tests;

/// <summary>
/// The annealing law (Tissue et al. 2024) and its fit, against curves drawn from a known law under real schedules:
/// the fit must give back the law, and predict a schedule it never saw.
/// </summary>
public class LossCurveLawTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly AnnealingLaw Truth = new(L0: 2.5, A: 1.2, Alpha: 0.5, C: 0.2);

    private static RunConfig Run(string schedule, int steps, double peak = 3e-3, int warmup = 20) =>
        new() { Schedule = schedule, LearningRate = peak, WarmupSteps = warmup, DecayFraction = 0.2, BatchSize = 1, SeqLen = 8, Tokens = 8L * steps, LogInterval = 10 };

    /// <summary>The law's loss every log interval of <paramref name="config"/>, plus Gaussian noise of <paramref name="noise"/>.</summary>
    internal static LossCurve Curve(RunConfig config, AnnealingLaw law, double noise, int seed)
    {
        var steps = Enumerable.Range(1, config.Steps / config.LogInterval).Select(i => i * config.LogInterval).ToList();
        var areas = ScheduleAreas.Of(config, steps);
        var random = new Random(seed);
        return LossCurve.Of(config, steps.Select(step => new CurvePoint(step, law.Loss(areas, step) + noise * Gaussian(random))).ToList());
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Areas_of_a_constant_rate_and_of_one_drop_are_the_closed_forms()
    {
        const double eta = 2e-3, drop = 1e-3, lambda = 0.99;
        var rates = Enumerable.Repeat(eta, 100).Concat(Enumerable.Repeat(eta - drop, 100)).ToArray();
        var areas = new ScheduleAreas(rates, warmupSteps: 0);

        Assert.Equal(50 * eta, areas.Forward(50), 12);
        Assert.Equal(0, areas.Annealing(100, lambda), 12);                                   // no decrease yet
        Assert.Equal(100 * eta + 60 * (eta - drop), areas.Forward(160), 12);
        // After the drop at step 100, m_i = drop·λ^(i−100): S2 after 160 steps is drop·(1 − λ^60)/(1 − λ).
        Assert.Equal(drop * (1 - Math.Pow(lambda, 60)) / (1 - lambda), areas.Annealing(160, lambda), 9);
    }

    [Fact]
    public void Areas_kept_at_chosen_steps_are_those_of_the_whole_schedule()
    {
        var config = Run("cosine", 5000);
        var dense = new ScheduleAreas(LearningRateSchedule.Rates(config), config.WarmupSteps);
        var sparse = ScheduleAreas.Of(config, [4999, 7, 1200, 5000, 7]);
        foreach (var step in new[] { 7, 1200, 4999, 5000 })
        {
            Assert.Equal(dense.Forward(step), sparse.Forward(step), 12);
            Assert.Equal(dense.Annealing(step), sparse.Annealing(step), 12);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => sparse.Forward(8));      // not asked for: never a silent guess
        Assert.Throws<ArgumentOutOfRangeException>(() => ScheduleAreas.Of(config, [5001]));
    }

    [Fact]
    public void Warmup_adds_to_the_forward_area_but_is_not_annealing()
    {
        var config = Run("wsd", 200, warmup: 20);
        var areas = new ScheduleAreas(LearningRateSchedule.Rates(config), config.WarmupSteps);
        Assert.Equal(LearningRateSchedule.Rates(config).Take(20).Sum(), areas.Forward(20), 12);
        Assert.Equal(0, areas.Annealing(160), 12);                                  // stable phase: nothing annealed
        Assert.True(areas.Annealing(200) > 0);
    }

    [Fact]
    public void A_fit_of_curves_from_a_known_law_gives_the_law_back()
    {
        var curves = new[] { Curve(Run("cosine", 1000), Truth, 0.003, 1), Curve(Run("wsd", 2000), Truth, 0.003, 2) };
        var law = AnnealingLawFitter.FitBest(curves);

        Assert.NotNull(law);
        Assert.Equal(Truth.Momentum, law.Momentum);                              // λ too: the one the curves were drawn with
        Assert.Equal(Truth.L0, law.L0, 0.1);
        Assert.Equal(Truth.A, law.A, 0.1);
        Assert.Equal(Truth.Alpha, law.Alpha, 0.05);
        Assert.Equal(Truth.C, law.C, 0.02);
    }

    [Fact]
    public void A_fit_on_cosine_curves_predicts_the_final_loss_of_a_wsd_run_it_never_saw()
    {
        var seen = new[] { Curve(Run("cosine", 600), Truth, 0.005, 3), Curve(Run("cosine", 1500), Truth, 0.005, 4) };
        var unseen = LossCurve.Of(Run("wsd", 2400), []);
        var truth = Truth.Loss(unseen.Areas, 2400);

        var prediction = LossCurvePredictor.Predict(unseen, seen, new(Bootstrap: 100));

        Assert.NotNull(prediction);
        Assert.Equal(truth, prediction.Loss, 0.01);
        Assert.InRange(truth, prediction.Low!.Value, prediction.High!.Value);
        Assert.Equal(2, prediction.Siblings);
        Assert.Equal(0, prediction.FittedThrough);
    }

    [Fact]
    public void A_running_wsd_run_is_predicted_from_its_stable_phase_and_a_finished_sibling()
    {
        var sibling = Curve(Run("cosine", 1000), Truth, 0.005, 5);
        var full = Curve(Run("wsd", 2000), Truth, 0.005, 6);
        var truth = Truth.Loss(full.Areas, 2000);

        var prediction = LossCurvePredictor.Predict(full.Through(600), [sibling], new(Bootstrap: 100));

        Assert.NotNull(prediction);
        Assert.Equal(600, prediction.FittedThrough);
        Assert.Equal(truth, prediction.Loss, 0.01);
        Assert.InRange(truth, prediction.Low!.Value, prediction.High!.Value);
        // Annealing is what the sibling taught: the predicted final loss lies well below the stable phase's.
        Assert.True(prediction.Loss < Truth.Loss(full.Areas, 1600) - 0.1);
    }

    [Fact]
    public void The_ninety_percent_interval_covers_the_truth_about_nine_times_in_ten()
    {
        var (covered, widths, errors) = (0, new List<double>(), new List<double>());
        const int trials = 20;
        for (var seed = 0; seed < trials; seed++)
        {
            var sibling = Curve(Run("cosine", 1500), Truth, 0.01, 200 + seed);
            var run = Curve(Run("wsd", 1500), Truth, 0.01, 100 + seed);
            var prediction = LossCurvePredictor.Predict(run.Through(750), [sibling], new(Bootstrap: 100, Seed: seed))!;
            var truth = Truth.Loss(run.Areas, 1500);
            if (truth >= prediction.Low && truth <= prediction.High) covered++;
            widths.Add(prediction.High!.Value - prediction.Low!.Value);
            errors.Add(Math.Abs(prediction.Loss - truth));
        }
        output.WriteLine($"covered {covered} of {trials}; median width {widths.Order().ElementAt(trials / 2):F4}; median error {errors.Order().ElementAt(trials / 2):F4}");
        Assert.InRange(covered, 15, trials);   // 18 expected; 15 or fewer has probability under 5% at a true 90%
        // An interval that covers by being wide says nothing: with noise 0.01 on each point it must stay narrow.
        Assert.True(widths.Order().ElementAt(trials / 2) < 0.1, $"median width {widths.Order().ElementAt(trials / 2)}");
    }

    [Fact]
    public void Too_few_points_past_the_first_tenth_give_no_prediction()
    {
        var sibling = Curve(Run("cosine", 1000), Truth, 0.005, 8);
        var run = Curve(Run("cosine", 1000), Truth, 0.005, 7);
        // Warmup 20 and a tenth of 1,000 steps: points count from step 110, so 110..170 are 7.
        Assert.Contains("fewer than 8", LossCurvePredictor.WhyNot(run.Through(170), []));
        Assert.Null(LossCurvePredictor.Predict(run.Through(170), []));
        Assert.NotNull(LossCurvePredictor.Predict(run.Through(170), [sibling], new(Bootstrap: 10)));
    }

    [Fact]
    public void A_run_that_has_not_annealed_is_not_predicted_alone_but_is_with_a_sibling_that_has()
    {
        var run = Curve(Run("wsd", 2000), Truth, 0.005, 9).Through(1500);           // all of it in the stable phase
        Assert.Contains("annealed enough", LossCurvePredictor.WhyNot(run, []));
        Assert.Null(LossCurvePredictor.Predict(run, []));
        var sibling = Curve(Run("cosine", 2000), Truth, 0.005, 10);
        Assert.Null(LossCurvePredictor.WhyNot(run, [sibling]));
        Assert.Equal(Truth.Loss(run.Areas, 2000), LossCurvePredictor.Predict(run, [sibling], new(Bootstrap: 10))!.Loss, 0.01);
    }
}
