using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>The head split and merge the attention mixers share.</summary>
public static class AttentionHeads
{
    /// <summary>Projects x (B, T, d) through a fused W_qkv into queries, keys and values of shape (B, nh, T, hs), rotated when asked.</summary>
    public static (Tensor Q, Tensor K, Tensor V) Project(Linear qkv, Tensor x, int heads, bool rotary)
    {
        var (b, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var parts = qkv.forward(x).split(d, dim: 2);                                      // 3 x (B, T, d)
        var q = SplitHeads(parts[0], heads);
        var k = SplitHeads(parts[1], heads);
        var v = SplitHeads(parts[2], heads);
        return rotary ? (RotaryEmbedding.Apply(q), RotaryEmbedding.Apply(k), v) : (q, k, v);
    }

    /// <summary>(B, T, nh·hs) → (B, nh, T, hs).</summary>
    public static Tensor SplitHeads(Tensor x, int heads) => x.view(x.shape[0], x.shape[1], heads, -1).transpose(1, 2);

    /// <summary>(B, nh, T, hs) → (B, T, nh·hs).</summary>
    public static Tensor Merge(Tensor y) => y.transpose(1, 2).contiguous().view(y.shape[0], y.shape[2], -1);
}
