using ScaleLab.Scaling;

namespace ScaleLab.Orchestrator.Scaling;

/// <summary>The body of POST /api/fits: the fit options and either points or sweeps whose finished runs are the points.</summary>
public sealed record FitRequest
{
    public FitLaw Law { get; init; } = FitLaw.Chinchilla;
    public int Bootstrap { get; init; }
    public int Seed { get; init; } = 1;
    public double? TargetCompute { get; init; }
    public double Confidence { get; init; } = 0.95;
    public double Delta { get; init; } = ChinchillaFitter.DefaultDelta;
    public bool IrreducibleLoss { get; init; } = true;
    public bool FrontierOnly { get; init; } = true;
    /// <summary>With points: "exact" (each point's flops, F(N) read off them; 6·N·D where a point has none) or "6ND". Sweeps bring their own.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(ComputeConventionJson))]
    public ComputeConvention Compute { get; init; } = ComputeConvention.Exact;
    public IReadOnlyList<FitPoint>? Points { get; init; }
    public IReadOnlyList<Guid>? SweepIds { get; init; }
    /// <summary>With sweeps: "sweep" (one group per sweep) or a run-config field such as "dModel"; null for one group.</summary>
    public string? GroupBy { get; init; }
}

/// <param name="Epochs">Passes over the training data, where known: points above 4 are flagged as trained on repeated data.</param>
public sealed record FitPoint(double N, double D, double Loss, double? Flops = null, string? Group = null, double? Epochs = null);
