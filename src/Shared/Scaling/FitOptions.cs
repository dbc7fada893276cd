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
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.FitOptions")]
public sealed record FitOptions
{
    [Id(0)] public FitLaw Law { get; init; } = FitLaw.Chinchilla;
    /// <summary>Bootstrap resamples (of points; within each budget for IsoFLOP) for the confidence intervals.</summary>
    [Id(1)] public int Bootstrap { get; init; }
    [Id(2)] public int Seed { get; init; } = 1;
    /// <summary>Huber δ on log residuals (Hoffmann et al. used 1e-3).</summary>
    [Id(3)] public double Delta { get; init; } = ChinchillaFitter.DefaultDelta;
    /// <summary>The compute at which to report N_opt, D_opt and the predicted loss; default: the largest compute in the data.</summary>
    [Id(4)] public double? TargetCompute { get; init; }
    [Id(5)] public double Confidence { get; init; } = 0.95;
    /// <summary>Compute law only: include the irreducible loss E.</summary>
    [Id(6)] public bool IrreducibleLoss { get; init; } = true;
    /// <summary>Compute law only: fit the compute-efficient frontier rather than every point.</summary>
    [Id(7)] public bool FrontierOnly { get; init; } = true;
    /// <summary>Threads for independent starts and bootstrap refits; results do not depend on it.</summary>
    [Id(8)] public int MaxThreads { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// How compute is counted: <see cref="ComputeConvention.Exact"/> takes each point's FLOPs (and reads F(N) off them
    /// for allocations); <see cref="ComputeConvention.SixND"/> ignores them and uses C = 6·N·D.
    /// </summary>
    [Id(10)] public ComputeConvention Compute { get; init; } = ComputeConvention.Exact;
    /// <summary>Stops the fit between objective evaluations (a service bounds each fit's time with it); never serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    [field: NonSerialized] public CancellationToken Cancellation { get; init; }
}
