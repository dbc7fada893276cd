using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// Local causal attention: each query sees the <c>window</c> most recent tokens, itself included. Computed in
/// blocks of <c>window</c> queries that attend to their own block and the one before, so time and memory grow
/// as T·window rather than T². Scores are q·k/√d_head, or q·k/d_head under μP (as <see cref="CausalSelfAttention"/>).
/// </summary>
public sealed class SlidingWindowAttention : nn.Module<Tensor, Tensor>, IResidualWriter
{
    private readonly Linear qkv, proj;
    private readonly int _heads, _window;
    private readonly bool _rotary;
    private readonly double _queryScale;

    public SlidingWindowAttention(int dModel, int heads, int window, bool rotary, bool mup = false) : base(nameof(SlidingWindowAttention))
    {
        qkv = nn.Linear(dModel, 3 * dModel, hasBias: false);
        proj = nn.Linear(dModel, dModel, hasBias: false);
        (_heads, _window, _rotary) = (heads, window, rotary);
        _queryScale = mup ? MaximalUpdate.QueryScale(dModel / heads) : 1;
        RegisterComponents();
    }

    public Linear OutputProjection => proj;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (x.shape[0], x.shape[1]);
        var (q, k, v) = AttentionHeads.Project(qkv, x, _heads, _rotary);                   // 3 x (B, nh, T, hs)
        if (_queryScale != 1) q = q * _queryScale;                                         // μP: SDPA's 1/√hs then makes 1/hs
        var w = Math.Min(_window, t);
        var n = (t + w - 1) / w;                                                           // blocks
        var pad = n * w - t;
        var hs = q.shape[3];
        // reshape, not view: without rotation the heads are a strided view of the projection, and when T is a
        // multiple of the window the pad is a no-op that returns that view unchanged.
        Tensor Blocks(Tensor z) => nn.functional.pad(z, [0, 0, 0, pad]).reshape(b, _heads * n, w, hs); // (B, nh·n, w, hs)
        var qb = Blocks(q);
        // Keys and values of the previous block (zeros before the first) followed by this block's: (B, nh·n, 2w, hs).
        Tensor WithPrevious(Tensor z)
        {
            var blocks = nn.functional.pad(z, [0, 0, 0, pad]).reshape(b, _heads, n, w, hs);
            var previous = nn.functional.pad(blocks, [0, 0, 0, 0, 1, 0])[.., .., ..(int)n];
            return cat([previous, blocks], dim: 3).view(b, _heads * n, 2 * w, hs);
        }
        var y = nn.functional.scaled_dot_product_attention(qb, WithPrevious(k), WithPrevious(v), attn_mask: Mask(n, w, x.device)); // (B, nh·n, w, hs)
        y = y.reshape(b, _heads, n * w, hs)[.., .., ..(int)t];      // SDPA's output may be strided on CUDA                                                                      // (B, nh, T, hs)
        return proj.forward(AttentionHeads.Merge(y)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (nh·n, w, 2w) booleans: query i of a block sees key j of [previous block, this block] when i &lt; j ≤ i + w,
    /// i.e. the w positions ending at itself; the first block has no previous block.
    /// </summary>
    private Tensor Mask(long blocks, long w, Device device)
    {
        var i = arange(w, device: device).view(w, 1);
        var j = arange(2 * w, device: device).view(1, 2 * w);
        var band = (j > i).logical_and(j <= i + w);                                        // (w, 2w)
        var mask = band.unsqueeze(0).repeat(blocks, 1, 1);                                  // (n, w, 2w)
        mask[0, .., ..(int)w] = false;
        return mask.repeat(_heads, 1, 1);                                                   // (nh·n, w, 2w), index h·n + block
    }
}
