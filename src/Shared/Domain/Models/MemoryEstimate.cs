using ScaleLab.Runs;

namespace ScaleLab.Models;

/// <summary>
/// Device memory a run needs to train, for placing it on a slot that has that much: the parameter state (fp32
/// weights, gradients and AdamW's two moments: 16 bytes a parameter, plus 4 for the bf16 compute copy and its
/// gradients on CUDA), activations kept for backward (Korthikanti et al. 2022 count 34·d bytes per token and layer in
/// 16-bit for a GELU MLP without stored attention scores; our SwiGLU and fp32 norm statistics make it about 48·d;
/// doubled for fp32), and the logits (bf16, their fp32 copy, log-softmax and gradient: 14 bytes each). A margin of
/// 25% covers the allocator's cache and the CUDA context. Against the H100 benchmark (docs/benchmarks.md): 24.7 GiB
/// estimated, 25.0 GiB peak seen by nvidia-smi.
/// </summary>
public static class MemoryEstimate
{
    public const double Margin = 1.25;

    /// <param name="cuda">Whether the run trains on a GPU (where "auto" precision means bf16).</param>
    public static long TrainingBytes(RunConfig c, bool cuda)
    {
        var bf16 = Runs.Precisions.Resolve(c.Precision, cuda) == Runs.Precisions.Bf16;
        double parameters = TransformerShape.TotalParameters(c);
        var parameterState = parameters * (bf16 ? 20 : 16);
        double tokens = (double)c.BatchSize / c.MicroBatches * c.SeqLen;          // one micro-batch is live at a time
        var activations = tokens * c.NLayers * 48.0 * c.DModel * (bf16 ? 1 : 2);
        var logits = tokens * c.VocabSize * (bf16 ? 2 + 4 + 4 + 4 : 4 + 4 + 4);
        return (long)((parameterState + activations + logits) * Margin);
    }
}
