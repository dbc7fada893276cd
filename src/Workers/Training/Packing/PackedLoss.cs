using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>The training loss of packed models: each model's own, so that their sum's gradient is each model's own gradient.</summary>
public static class PackedLoss
{
    /// <param name="logits">(K, B, T, V).</param>
    /// <param name="target">(K, B, T).</param>
    /// <returns>(K): model k's mean cross-entropy over its own scored tokens, computed as <see cref="TokenLoss.Mean"/> computes it alone.</returns>
    public static Tensor PerModel(Tensor logits, Tensor target) =>
        // One call per model (not one masked reduction over all): the same kernel and the same numbers as alone. The
        // slices come from unbind, whose backward stacks the K gradients in one copy; indexing (logits[k]) would
        // backpropagate each slice into a zero-filled gradient of all the logits and add the K of them (measured in
        // a PyTorch mirror of the step on the H200, bench/gpu/packed_mirror.py: 31 ms a step against 22).
        stack(logits.unbind(0).Zip(target.unbind(0)).Select(pair => TokenLoss.Mean(pair.First, pair.Second)));
}
