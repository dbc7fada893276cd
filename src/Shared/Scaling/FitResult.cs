namespace ScaleLab.Scaling;

/// <summary>Everything one fit produced, per group (one group when the points carry none).</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.FitResult")]
public sealed record FitResult(
    [property: Id(0)] FitLaw Law,
    [property: Id(1)] int Points,
    [property: Id(2)] int Bootstrap,
    [property: Id(3)] int Seed,
    [property: Id(4)] double Confidence,
    [property: Id(5)] double TargetCompute,
    [property: Id(6)] IReadOnlyList<GroupFit> Groups,
    [property: Id(7)] IReadOnlyList<FrontierCrossing> Crossings,
    [property: Id(8)] ComputeConvention Compute = ComputeConvention.Exact);

/// <summary>
/// The fit of one group. <see cref="Parameters"/> are the law's own (E, A, B, alpha, beta; or k_N, a, k_D, b for
/// IsoFLOP); <see cref="Derived"/> are quantities computed from them (exponents of N_opt and D_opt, N_opt, D_opt,
/// tokens per parameter and loss at the target compute). <see cref="Frontier"/> samples the predicted loss (and
/// allocation) over compute with bootstrap bands, for drawing. Residuals, excluded points, degrees of freedom
/// (points used minus free parameters) and warnings say how far to trust it.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.GroupFit")]
public sealed record GroupFit(
    [property: Id(0)] string Group,
    [property: Id(1)] int Points,
    [property: Id(2)] IReadOnlyDictionary<string, Estimate> Parameters,
    [property: Id(3)] IReadOnlyDictionary<string, Estimate> Derived,
    [property: Id(4)] IReadOnlyList<IsoFlopProfile> Profiles,
    [property: Id(5)] int BootstrapUsed,
    [property: Id(6)] IReadOnlyList<FrontierPoint> Frontier,
    [property: Id(7)] IReadOnlyList<PointResidual>? Residuals = null,
    [property: Id(8)] IReadOnlyList<ExcludedPoint>? ExcludedPoints = null,
    [property: Id(9)] int DegreesOfFreedom = 0,
    [property: Id(10)] IReadOnlyList<string>? WarningList = null,
    [property: Id(11)] RolloutCheck? Rollout = null)
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
/// </summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.FrontierCrossing")]
public sealed record FrontierCrossing(
    [property: Id(0)] string GroupA,
    [property: Id(1)] string GroupB,
    [property: Id(2)] double? Compute,
    [property: Id(3)] string BetterAtHighCompute,
    [property: Id(4)] double SearchedFrom,
    [property: Id(5)] double SearchedTo,
    [property: Id(6)] IReadOnlyList<double> All);
