using ScaleLab.Scaling;

namespace ScaleLab.Sweeps;

/// <summary>
/// "isoflop.adaptive": the IsoFLOP grid is a set of candidates, not a plan. The study trains the smallest design that
/// makes a fit, then, keeping <see cref="RunsPerRound"/> runs in flight, the candidate that narrows the bootstrap
/// interval of <see cref="Target"/> the most per FLOP (<see cref="AdaptiveDesign"/>), until that interval is narrower
/// than <see cref="TargetWidth"/> or <see cref="MaxComputeFraction"/> of the grid's compute is spent.
/// </summary>
public sealed record AdaptiveSpec(
    double TargetWidth,
    string Target = AdaptiveSpec.IsoFlopExponent,
    double MaxComputeFraction = 0.5,
    int RunsPerRound = 2)
{
    /// <summary>
    /// The exponent a of N_opt ∝ C^a, from IsoFLOP profiles (approach 2) or from L(N, D) (approach 3); or log10 of the
    /// compute where two architectures' compute-optimal loss curves cross (the study's one axis, of two values, names them).
    /// </summary>
    public const string IsoFlopExponent = "isoflopExponent", ChinchillaExponent = "chinchillaExponent", CrossingCompute = "crossingCompute";

    public static readonly IReadOnlyList<string> Targets = [IsoFlopExponent, ChinchillaExponent, CrossingCompute];

    public const int MaxRunsPerRound = 64;

    /// <summary>The target in words, the same in the dashboard and the CLI.</summary>
    public static string Quantity(string target) => target switch
    {
        ChinchillaExponent => "a = β/(α+β)",
        CrossingCompute => "log10 C where the two architectures cross",
        _ => "a of N_opt ∝ C^a",
    };

    /// <summary>A target width in words: a crossing's is in decades of compute, an exponent's has no unit.</summary>
    public static string WidthText(string target, double width) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{width:G3}{(target == CrossingCompute ? " decades of compute" : "")}");

    /// <summary>
    /// Every step scores every candidate with hundreds of bootstrap refits, on the orchestrator: a parabola refit costs
    /// microseconds, an L(N, D) refit milliseconds, so the grids are bounded to keep a step within seconds.
    /// </summary>
    public int MaxCandidates => DesignTarget == DesignTarget.IsoFlopExponent ? 150 : 40;

    public DesignTarget DesignTarget => Target switch
    {
        ChinchillaExponent => DesignTarget.ChinchillaExponent,
        CrossingCompute => DesignTarget.CrossingCompute,
        _ => DesignTarget.IsoFlopExponent,
    };
}
