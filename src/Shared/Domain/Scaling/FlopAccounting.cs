namespace ScaleLab.Scaling;

/// <summary>What N counts in a study: parameters outside the embeddings (Kaplan et al.) or all of them (Hoffmann et al.).</summary>
public enum ParameterCount
{
    NonEmbedding,
    Total,
}

/// <summary>
/// How training compute is counted. <see cref="Exact"/>: the architecture's FLOPs per token F(N), LM head and sequence
/// mixing included (PaLM's accounting; docs/model-accounting.md). <see cref="SixND"/>: C = 6·N·D, as most papers report.
/// </summary>
public enum ComputeConvention
{
    Exact,
    SixND,
}

/// <summary>
/// The pair of choices a study makes once and uses everywhere: designing budgets, counting each run's FLOPs, fitting,
/// and turning a compute budget into an allocation (D = C / F(N)). Mixing them shifts exponents and allocations
/// (Pearce and Song 2024; Porian et al. 2024).
/// </summary>
public sealed record FlopAccounting(
    ParameterCount Parameters = ParameterCount.NonEmbedding,
    ComputeConvention Compute = ComputeConvention.Exact)
{
    public static FlopAccounting Default { get; } = new();

    /// <summary>The spellings a spec uses.</summary>
    public static readonly IReadOnlyDictionary<string, ParameterCount> ParameterNames =
        new Dictionary<string, ParameterCount>(StringComparer.Ordinal) { ["nonEmbedding"] = ParameterCount.NonEmbedding, ["total"] = ParameterCount.Total };

    public static readonly IReadOnlyDictionary<string, ComputeConvention> ComputeNames =
        new Dictionary<string, ComputeConvention>(StringComparer.Ordinal) { ["exact"] = ComputeConvention.Exact, ["6ND"] = ComputeConvention.SixND };

    public string ParametersName => ParameterNames.Single(kv => kv.Value == Parameters).Key;

    public string ComputeName => ComputeNames.Single(kv => kv.Value == Compute).Key;
}
