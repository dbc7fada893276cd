namespace ScaleLab.Scaling;

public enum FitLaw
{
    /// <summary>L(N, D) = E + A/N^α + B/D^β, approach 3.</summary>
    Chinchilla,
    /// <summary>Per-budget parabolas and N_opt(C), D_opt(C), approach 2.</summary>
    IsoFlop,
    /// <summary>L(C) = E + A·C^(−α) on the compute-efficient frontier (or without E).</summary>
    Compute,
}

/// <summary>How to fit. Bootstrap = 0 gives point estimates only.</summary>
public sealed record FitOptions
{
    public FitLaw Law { get; init; } = FitLaw.Chinchilla;
    /// <summary>Bootstrap resamples (of points; within each budget for IsoFLOP) for the confidence intervals.</summary>
    public int Bootstrap { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>Huber δ on log residuals (Hoffmann et al. used 1e-3).</summary>
    public double Delta { get; init; } = ChinchillaFitter.DefaultDelta;
    /// <summary>The compute at which to report N_opt, D_opt and the predicted loss; default: the largest compute in the data.</summary>
    public double? TargetCompute { get; init; }
    public double Confidence { get; init; } = 0.95;
    /// <summary>Compute law only: include the irreducible loss E.</summary>
    public bool IrreducibleLoss { get; init; } = true;
    /// <summary>Compute law only: fit the compute-efficient frontier rather than every point.</summary>
    public bool FrontierOnly { get; init; } = true;
    /// <summary>Threads for independent starts and bootstrap refits; results do not depend on it.</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// How compute is counted: <see cref="ComputeConvention.Exact"/> takes each point's FLOPs (and reads F(N) off them
    /// for allocations); <see cref="ComputeConvention.SixND"/> ignores them and uses C = 6·N·D.
    /// </summary>
    public ComputeConvention Compute { get; init; } = ComputeConvention.Exact;
    /// <summary>Stops the fit between objective evaluations (a service bounds each fit's time with it); never serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    [field: NonSerialized] public CancellationToken Cancellation { get; init; }
}
