namespace ScaleLab.LossCurves;

/// <summary>
/// Predicts a run's final loss from its curve so far and from finished runs of the same arm: one annealing law fitted
/// to all of them, evaluated at the run's last step under its own schedule.
/// </summary>
/// <remarks>
/// The interval is a bootstrap of two levels. The siblings are drawn with replacement, so that runs of one arm that
/// differ by their seed (and any curve the law fits badly) widen it as they should; and each curve's residuals from the
/// fit are resampled in blocks, which keep their correlation along a curve (resampling single points would hide it and
/// give intervals far too narrow). Each replicate refits the law on the fitted curves plus resampled residuals and adds
/// one more residual of the run to its prediction, so the interval also covers the noise of the logged loss at the
/// last step.
/// </remarks>
public static class LossCurvePredictor
{
    /// <param name="MaxThreads">Threads the bootstrap may use (0: as many as there are cores); the answer does not depend on it.</param>
    public sealed record Options(int Bootstrap = 200, double Level = 0.9, int Seed = 17, int MaxThreads = 0, CancellationToken Cancellation = default)
    {
        /// <summary>Refits a prediction may cost, so a request's work is bounded.</summary>
        public const int MaxBootstrap = 1000;
    }

    /// <summary>
    /// How much of the annealing the prediction reaches that the fitted curves must have seen: the law's annealing
    /// gain C is learnt only from curves whose rate has come down, and extrapolated far beyond them it is a guess.
    /// </summary>
    public const double MinAnnealingSeen = 0.5;

    /// <summary>Why no prediction can be made for <paramref name="run"/> at <paramref name="step"/> (its last by default), or null when one can.</summary>
    public static string? WhyNot(LossCurve run, IReadOnlyList<LossCurve> siblings, int? step = null)
    {
        var target = step ?? run.Areas.Steps;
        var data = AnnealingLawFitter.Observations(siblings.Prepend(run));
        if (data.Count < AnnealingLawFitter.MinPoints)
            return $"the run and its finished siblings have logged fewer than {AnnealingLawFitter.MinPoints} losses past warmup and the first tenth of their runs";
        var needed = run.Areas.Annealing(target);
        if (needed > 0 && data.Max(o => o.Annealing) < MinAnnealingSeen * needed)
            return "the law learns what annealing the learning rate gains from curves whose rate has come down, and neither this run so far " +
                "nor a finished run of its arm (same model, data, batch and peak rate) has annealed enough; it predicts once one has";
        return null;
    }

    /// <summary>Null where <see cref="WhyNot"/> says no prediction can be made.</summary>
    public static LossCurvePrediction? Predict(LossCurve run, IReadOnlyList<LossCurve> siblings, Options? options = null, int? step = null)
    {
        options ??= new Options();
        var target = step ?? run.Areas.Steps;
        if (target < 1 || target > run.Areas.Steps) throw new ArgumentOutOfRangeException(nameof(step), $"a step of the run, 1 to {run.Areas.Steps}");
        if (WhyNot(run, siblings, target) is not null) return null;
        if (AnnealingLawFitter.FitBest(siblings.Prepend(run).ToList(), options.Cancellation) is not { } law) return null;
        var own = AnnealingLawFitter.Observations([run], law.Momentum);
        var others = siblings.Select(c => AnnealingLawFitter.Observations([c], law.Momentum)).Where(o => o.Count > 0).ToList();
        var data = others.SelectMany(b => b).Concat(own).ToList();

        var predictions = Replicates(law, own, others, run.Areas, target, options);
        var point = law.Loss(run.Areas, target);
        var estimate = Scaling.Estimate.From(point, predictions, options.Level);
        var fittedThrough = run.Points.Count > 0 ? run.Points.Max(p => p.Step) : 0;
        return new LossCurvePrediction(target, fittedThrough, point, estimate.Low, estimate.High, options.Level, law, data.Count, siblings.Count);
    }

    private static List<double> Replicates(AnnealingLaw law, List<AnnealingLawFitter.Observation> own, List<List<AnnealingLawFitter.Observation>> others,
        ScheduleAreas areas, int target, Options options)
    {
        double[] Residuals(List<AnnealingLawFitter.Observation> c) => c.Select(o => o.Loss - law.Loss(o.Forward, o.Annealing)).ToArray();
        var ownResiduals = Residuals(own);
        var otherResiduals = others.Select(Residuals).ToList();
        // The noise of the run's last logged loss is its own, where it has logged some.
        var lastNoise = ownResiduals.Length > 0 ? ownResiduals : otherResiduals.SelectMany(r => r).ToArray();
        var master = new Random(options.Seed);
        var seeds = Enumerable.Range(0, Math.Clamp(options.Bootstrap, 0, Options.MaxBootstrap)).Select(_ => master.Next()).ToArray();
        var results = new double[seeds.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxThreads > 0 ? options.MaxThreads : -1, CancellationToken = options.Cancellation };
        Parallel.For(0, seeds.Length, parallel, k =>
        {
            var random = new Random(seeds[k]);
            var resample = new List<AnnealingLawFitter.Observation>();
            void Add(List<AnnealingLawFitter.Observation> curve, double[] residuals)
            {
                var noise = BlockResample(residuals, random);
                resample.AddRange(curve.Select((o, i) => o with { Loss = law.Loss(o.Forward, o.Annealing) + noise[i] }));
            }
            if (own.Count > 0) Add(own, ownResiduals);
            for (var c = 0; c < others.Count; c++)
            {
                var drawn = random.Next(others.Count);
                Add(others[drawn], otherResiduals[drawn]);
            }
            results[k] = AnnealingLawFitter.Fit(resample, law.Momentum, near: law, options.Cancellation) is { } refit
                ? refit.Loss(areas, target) + lastNoise[random.Next(lastNoise.Length)]
                : double.NaN;
        });
        return results.ToList();
    }

    /// <summary>Residuals of one curve resampled as blocks of about √n consecutive ones, laid end to end.</summary>
    private static double[] BlockResample(double[] residuals, Random random)
    {
        var n = residuals.Length;
        var length = Math.Max(1, (int)Math.Round(Math.Sqrt(n)));
        var result = new double[n];
        for (var filled = 0; filled < n;)
        {
            var start = random.Next(Math.Max(1, n - length + 1));
            for (var i = 0; i < length && filled < n; i++) result[filled++] = residuals[Math.Min(n - 1, start + i)];
        }
        return result;
    }
}
