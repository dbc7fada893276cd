namespace ScaleLab.Scaling;

/// <summary>
/// Nonparametric bootstrap: refit on resamples drawn with replacement. Each replicate has its own seed drawn
/// from the master seed up front, so the intervals are the same whatever the number of threads.
/// </summary>
internal static class Bootstrap
{
    /// <summary>The refitted laws, in seed order; degenerate resamples are left out.</summary>
    public static IReadOnlyList<LawFit> Run(LawFit full, FitOptions options) => Aligned(full, options).OfType<LawFit>().ToList();

    /// <summary>Every replicate's refit in seed order, null where the resample was degenerate: replicate k of two groups pair up.</summary>
    public static LawFit?[] Aligned(LawFit full, FitOptions options) =>
        Replicates(full.FittedPoints, options, resample => full.Refit(resample, options));

    /// <summary>
    /// What <paramref name="refit"/> makes of each resample of <paramref name="points"/>, in seed order (one per
    /// replicate, failures included): the same resamples <see cref="Run"/> fits, for callers that need only one
    /// quantity of each refit and can compute it more cheaply than a whole law.
    /// </summary>
    public static T[] Replicates<T>(IReadOnlyList<ScalingPoint> points, FitOptions options, Func<IReadOnlyList<ScalingPoint>, T> refit)
    {
        if (options.Bootstrap <= 0) return [];
        var master = new Random(options.Seed);
        var seeds = Enumerable.Range(0, options.Bootstrap).Select(_ => master.Next()).ToArray();
        var replicates = new T[seeds.Length];
        var strata = options.Law == FitLaw.IsoFlop
            ? IsoFlopAnalysis.GroupByBudget(points)
            : [points];
        Parallel.For(0, seeds.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxThreads), CancellationToken = options.Cancellation }, k =>
        {
            var random = new Random(seeds[k]);
            var resample = strata.SelectMany(stratum => Enumerable.Range(0, stratum.Count).Select(_ => stratum[random.Next(stratum.Count)])).ToList();
            replicates[k] = refit(resample);
        });
        return replicates;
    }
}
