using ScaleLab.Runs;

namespace ScaleLab.Sweeps;

/// <summary>
/// A study as the researcher wrote it: a base run config and axes that vary some of its fields.
/// Axis values are kept as JSON text so an axis can carry any field's type and errors can point at the value.
/// </summary>
public sealed record SweepSpec(
    string Name, string Kind, int Priority, RunConfig Base, IReadOnlyList<SweepAxis> Axes,
    IsoFlopDesign? IsoFlop = null, AblationDesign? Ablation = null, RandomDesign? Random = null, EarlyStopping? EarlyStopping = null,
    Scaling.FlopAccounting? Accounting = null, LadderDesign? Ladder = null)
{
    /// <summary>How this study counts N and C: from design to fit (default: non-embedding N, the architecture's exact FLOPs).</summary>
    public Scaling.FlopAccounting Counting => Accounting ?? Scaling.FlopAccounting.Default;
}

/// <summary>One varied field (its JSON name, e.g. "dModel") and the JSON text of each value it takes.</summary>
public sealed record SweepAxis(string Parameter, IReadOnlyList<string> Values);

/// <summary>
/// One run a sweep expands to, with its accounting, before anything is stored. <see cref="Flops"/> is the compute of
/// the model it leaves (all its steps, as a fit counts it); a branch (<see cref="RunConfig.InitFrom"/>) spends only
/// <see cref="OwnFlops"/>, its steps after the branch point, the shared ones being its parent's.
/// </summary>
public sealed record PlannedRun(
    Guid RunId, string Name, RunConfig Config, long NonEmbeddingParameters, long TotalParameters, double Flops)
{
    /// <summary>The step it starts from: 0, or its branch point.</summary>
    public int FirstStep => Config.InitFrom?.Step ?? 0;

    public double OwnFlops => Config.Steps == 0 ? Flops : Flops * (Config.Steps - FirstStep) / Config.Steps;
}

/// <summary>The refusal thresholds a deployment sets; the defaults suit a small cluster.</summary>
public sealed record SweepLimits(int MaxRuns = 1000, long MaxParameters = 20_000_000_000, double MaxTotalFlops = 1e23)
{
    public static SweepLimits Default { get; } = new();
}
