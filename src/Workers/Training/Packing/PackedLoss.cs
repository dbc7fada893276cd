using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>The training loss of packed models: each model's own, so that their sum's gradient is each model's own gradient.</summary>
public static class PackedLoss
{
    /// <param name="logits">(K, B, T, V).</param>
    /// <param name="target">(K, B, T).</param>
    /// <returns>(K): model k's mean cross-entropy over its own scored tokens, computed as <see cref="TokenLoss.Mean"/> computes it alone.</returns>
    public static Tensor PerModel(Tensor logits, Tensor target) =>
        // One call per model (not one masked reduction over all): the same kernel and the same numbers as alone.
        stack(Enumerable.Range(0, (int)logits.shape[0]).Select(k => TokenLoss.Mean(logits[k], target[k])));
}
