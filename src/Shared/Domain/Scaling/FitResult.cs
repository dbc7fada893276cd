namespace ScaleLab.Scaling;

/// <summary>Everything one fit produced, per group (one group when the points carry none).</summary>
public sealed record FitResult(
    FitLaw Law,
    int Points,
    int Bootstrap,
    int Seed,
    double Confidence,
    double TargetCompute,
    IReadOnlyList<GroupFit> Groups,
    IReadOnlyList<FrontierCrossing> Crossings,
    ComputeConvention Compute = ComputeConvention.Exact);

/// <summary>
/// The fit of one group. <see cref="Parameters"/> are the law's own (E, A, B, alpha, beta; or k_N, a, k_D, b for
/// IsoFLOP); <see cref="Derived"/> are quantities computed from them (exponents of N_opt and D_opt, N_opt, D_opt,
/// tokens per parameter and loss at the target compute). <see cref="Frontier"/> samples the predicted loss (and
/// allocation) over compute with bootstrap bands, for drawing. Residuals, excluded points, degrees of freedom
/// (points used minus free parameters) and warnings say how far to trust it.
/// </summary>
public sealed record GroupFit(
    string Group,
    int Points,
    IReadOnlyDictionary<string, Estimate> Parameters,
    IReadOnlyDictionary<string, Estimate> Derived,
    IReadOnlyList<IsoFlopProfile> Profiles,
    int BootstrapUsed,
    IReadOnlyList<FrontierPoint> Frontier,
    IReadOnlyList<PointResidual>? Residuals = null,
    IReadOnlyList<ExcludedPoint>? ExcludedPoints = null,
    int DegreesOfFreedom = 0,
    IReadOnlyList<string>? WarningList = null,
    RolloutCheck? Rollout = null)
{
    /// <summary>The points the fit used, each with the law's prediction and ln(observed / predicted).</summary>
    public IReadOnlyList<PointResidual> Used => Residuals ?? [];

    /// <summary>Points of the group the fit left out, with the reason.</summary>
    public IReadOnlyList<ExcludedPoint> Excluded => ExcludedPoints ?? [];

    /// <summary>What to know before trusting this fit, in words (<see cref="FitWarnings"/>).</summary>
    public IReadOnlyList<string> Warnings => WarningList ?? [];
}

/// <summary>
/// Where two groups' predicted loss-vs-compute curves cross: <see cref="Compute"/> is the last crossing in the searched
/// range (null when they do not cross), beyond which <see cref="BetterAtHighCompute"/> is ahead; <see cref="All"/> lists every crossing.
/// <see cref="Low"/>–<see cref="High"/> is its bootstrap percentile interval: the last crossing of each pair of the two
/// groups' refits of one replicate (<see cref="Crossed"/> of the <see cref="Replicates"/> pairs cross in the range),
/// given when at least half of them cross.
/// </summary>
public sealed record FrontierCrossing(
    string GroupA,
    string GroupB,
    double? Compute,
    string BetterAtHighCompute,
    double SearchedFrom,
    double SearchedTo,
    IReadOnlyList<double> All)
{
    public double? Low { get; init; }
    public double? High { get; init; }
    public int Replicates { get; init; }
    public int Crossed { get; init; }

    /// <summary>" [1E+19, 9E+19]" after the crossing's compute, or why it has no interval; "" without a bootstrap. The same words in every client.</summary>
    public string IntervalText() =>
        Replicates == 0 || Compute is null ? ""
        : Low is { } low && High is { } high ? $" [{NumberFormat.Short(low)}, {NumberFormat.Short(high)}]"
        : $" (no interval: {Crossed} of {Replicates} bootstrap refits cross in the range)";
}
