namespace ScaleLab.Models;

/// <summary>How a model knows token positions, by the names a run config's <c>positions</c> field gives them.</summary>
public static class PositionKinds
{
    /// <summary>Rotary embeddings, applied inside attention mixers.</summary>
    public const string Rope = "rope";

    /// <summary>Absolute position embeddings, one learned vector per position up to the sequence length.</summary>
    public const string Learned = "learned";

    /// <summary>No position information beyond what causal mixing gives.</summary>
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [Rope, Learned, None];
}
