using ScaleLab.Runs;

namespace ScaleLab.Models;

/// <summary>
/// Parameters and training FLOPs of one sequence mixer, with d = d_model, H heads of width h = d/H, context T.
/// docs/model-accounting.md derives each formula; a test pins every one to the module's real parameter count.
/// </summary>
public static class MixerAccounting
{
    /// <summary>Every parameter of the mixer module.</summary>
    public static long Parameters(string mixer, RunConfig c)
    {
        long d = c.DModel, heads = c.NHeads;
        return mixer switch
        {
            Mixers.Softmax or Mixers.SlidingWindow => 4 * d * d,                      // W_qkv, W_o
            Mixers.Linear => 2 * d * heads * c.FeatureDim + 2 * d * d,                // W_q, W_k (d → H·f), W_v, W_o
            Mixers.Gla => GlaMatmulParameters(c) + c.GlaKeyDim + d / c.GlaHeads,     // + the gate's bias; head-norm gain
            Mixers.Mamba => MambaMatmulParameters(c) + MambaConvChannels(c) + 3 * heads + MambaInner(c), // + conv bias, dt bias, A, D; norm gain
            _ => throw new ArgumentOutOfRangeException(nameof(mixer), mixer, "not a layer mixer"),
        };
    }

    /// <summary>Parameters that take part in a multiply-add once per token (the "6N" part of the training FLOPs).</summary>
    public static double MatmulParameters(string mixer, RunConfig c)
    {
        double d = c.DModel;
        return mixer switch
        {
            Mixers.Softmax or Mixers.SlidingWindow => 4 * d * d,
            Mixers.Linear => 2 * d * c.NHeads * c.FeatureDim + 2 * d * d,
            Mixers.Gla => GlaMatmulParameters(c),
            Mixers.Mamba => MambaMatmulParameters(c),
            _ => throw new ArgumentOutOfRangeException(nameof(mixer), mixer, "not a layer mixer"),
        };
    }

    /// <summary>
    /// The mixer's own sequence term per token, forward and backward (3x forward), counting multiply-adds as 2:
    /// attention scores and value sums over the keys a query sees (the full T, by PaLM's convention), or the
    /// update and read of a recurrent state. Chunked kernels do more arithmetic than this; MFU counts this.
    /// </summary>
    public static double SequenceFlopsPerToken(string mixer, RunConfig c)
    {
        double d = c.DModel, head = (double)c.DModel / c.NHeads;
        return mixer switch
        {
            Mixers.Softmax => 12 * d * c.SeqLen,                                         // QKᵀ and AV: 2 x 2·d·T, x3
            Mixers.SlidingWindow => 12 * d * Math.Min(c.Window, c.SeqLen),
            Mixers.Linear => 12.0 * c.NHeads * Mixers.FeatureSize(c) * (head + 1),       // S += φ(k)vᵀ, z += φ(k); read φ(q)ᵀS, φ(q)ᵀz
            Mixers.Gla => 12.0 * c.GlaKeyDim * d / c.GlaHeads,                            // H states of d_k/H x d/H: update and read
            Mixers.Mamba => 12.0 * MambaInner(c) * c.StateSize,                          // H states of P x N (H·P = inner width)
            _ => throw new ArgumentOutOfRangeException(nameof(mixer), mixer, "not a layer mixer"),
        };
    }

    /// <summary>W_q, W_k (d → d_k), W_v, W_r (output gate), W_o (d x d), and the low-rank forget gate (d → 16 → d_k).</summary>
    private static long GlaMatmulParameters(RunConfig c)
    {
        long d = c.DModel, dk = c.GlaKeyDim;
        return 2 * d * dk + 3 * d * d + Mixers.GlaGateRank * (d + dk);
    }

    public static long MambaInner(RunConfig c) => (long)Mixers.MambaExpand * c.DModel;

    /// <summary>Channels through the causal convolution: x, B and C (as in Mamba-2).</summary>
    public static long MambaConvChannels(RunConfig c) => MambaInner(c) + 2L * c.StateSize;

    /// <summary>in_proj (d → z, x, B, C, dt), out_proj (inner → d) and the depthwise convolution's taps.</summary>
    private static long MambaMatmulParameters(RunConfig c)
    {
        long d = c.DModel, inner = MambaInner(c);
        return d * (2 * inner + 2L * c.StateSize + c.NHeads) + inner * d + MambaConvChannels(c) * Mixers.MambaConvKernel;
    }
}
