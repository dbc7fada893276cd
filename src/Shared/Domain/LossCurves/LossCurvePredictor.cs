namespace ScaleLab.LossCurves;

/// <summary>
/// Predicts a run's final loss from its curve so far and from finished runs of the same arm: one annealing law fitted
/// to all of them, evaluated at the run's last step under its own schedule.
/// </summary>
/// <remarks>
/// The interval is a moving-block bootstrap of the fit's residuals: blocks keep the residuals' correlation along a
/// curve, which resampling single points would hide (and so give intervals far too narrow). Each replicate refits on the
/// fitted curve plus resampled residuals and adds one more residual to its prediction, so the interval covers the noise
/// of the logged loss at the last step as well as the uncertainty of the law.
/// </remarks>
public static class LossCurvePredictor
{
    /// <param name="MaxThreads">Threads the bootstrap may use (0: as many as there are cores); the answer does not depend on it.</param>
    public sealed record Options(int Bootstrap = 200, double Level = 0.9, int Seed = 17, int MaxThreads = 0, CancellationToken Cancellation = default)
    {
        /// <summary>Refits a prediction may cost, so a request's work is bounded.</summary>
        public const int MaxBootstrap = 1000;
    }

    /// <summary>Null where the curves hold too few points after warmup for a fit.</summary>
    public static LossCurvePrediction? Predict(LossCurve run, IReadOnlyList<LossCurve> siblings, Options? options = null, int? step = null)
    {
        options ??= new Options();
        var target = step ?? run.Areas.Steps;
        if (target < 1 || target > run.Areas.Steps) throw new ArgumentOutOfRangeException(nameof(step), $"a step of the run, 1 to {run.Areas.Steps}");
        var curves = siblings.Prepend(run).ToList();
        var blocks = curves.Select(c => AnnealingLawFitter.Observations([c])).Where(o => o.Count > 0).ToList();
        var data = blocks.SelectMany(b => b).ToList();
        if (AnnealingLawFitter.Fit(data, cancellation: options.Cancellation) is not { } law) return null;

        var predictions = Replicates(law, blocks, run.Areas, target, options);
        var point = law.Loss(run.Areas, target);
        var estimate = Scaling.Estimate.From(point, predictions, options.Level);
        var fittedThrough = run.Points.Count > 0 ? run.Points.Max(p => p.Step) : 0;
        return new LossCurvePrediction(target, fittedThrough, point, estimate.Low, estimate.High, options.Level, law, data.Count, siblings.Count);
    }

    private static List<double> Replicates(AnnealingLaw law, List<List<AnnealingLawFitter.Observation>> curves, ScheduleAreas areas, int target, Options options)
    {
        var residuals = curves.Select(c => c.Select(o => o.Loss - law.Loss(o.Forward, o.Annealing)).ToArray()).ToList();
        var all = residuals.SelectMany(r => r).ToArray();
        var master = new Random(options.Seed);
        var seeds = Enumerable.Range(0, Math.Clamp(options.Bootstrap, 0, Options.MaxBootstrap)).Select(_ => master.Next()).ToArray();
        var results = new double[seeds.Length];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxThreads > 0 ? options.MaxThreads : -1, CancellationToken = options.Cancellation };
        Parallel.For(0, seeds.Length, parallel, k =>
        {
            var random = new Random(seeds[k]);
            var resample = new List<AnnealingLawFitter.Observation>();
            for (var c = 0; c < curves.Count; c++)
            {
                var noise = BlockResample(residuals[c], random);
                resample.AddRange(curves[c].Select((o, i) => o with { Loss = law.Loss(o.Forward, o.Annealing) + noise[i] }));
            }
            results[k] = AnnealingLawFitter.Fit(resample, near: law, options.Cancellation) is { } refit
                ? refit.Loss(areas, target) + all[random.Next(all.Length)]
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
