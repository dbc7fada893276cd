namespace ScaleLab.Scaling;

/// <summary>
/// One compute value on a group's fitted frontier: the loss the law predicts for the best use of that compute and,
/// for laws that allocate (Chinchilla, IsoFLOP), N_opt and D_opt. Bands are bootstrap percentile intervals.
/// </summary>
public sealed record FrontierPoint(
    double Compute,
    Estimate Loss,
    Estimate? NOpt,
    Estimate? DOpt);

/// <summary>The frontier of a fit sampled on a log grid that spans the data and reaches the target compute, so it can be drawn with its band.</summary>
internal static class FrontierCurve
{
    public const int GridPoints = 48;

    /// <summary>Log-spaced from half the smallest compute to twice the larger of the largest compute and the target.</summary>
    public static double[] Grid(double minCompute, double maxCompute, double targetCompute)
    {
        double lo = Math.Log(minCompute / 2), hi = Math.Log(Math.Max(maxCompute, targetCompute) * 2);
        return Enumerable.Range(0, GridPoints).Select(i => Math.Exp(lo + (hi - lo) * i / (GridPoints - 1))).ToArray();
    }

    public static IReadOnlyList<FrontierPoint> Sample(LawFit fit, IReadOnlyList<LawFit> replicates, double[] grid, double confidence) =>
        grid.Select(c =>
        {
            var allocation = fit.AllocationAtCompute(c);
            var replicateAllocations = replicates.Select(r => r.AllocationAtCompute(c)).ToList();
            return new FrontierPoint(c,
                Estimate.From(fit.LossAtCompute(c), replicates.Select(r => r.LossAtCompute(c)).ToList(), confidence),
                allocation is { } a ? Estimate.From(a.N, replicateAllocations.Select(r => r?.N ?? double.NaN).ToList(), confidence) : null,
                allocation is { } b ? Estimate.From(b.D, replicateAllocations.Select(r => r?.D ?? double.NaN).ToList(), confidence) : null);
        }).ToList();
}
