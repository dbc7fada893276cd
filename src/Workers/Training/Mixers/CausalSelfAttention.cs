using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// Multi-head causal softmax attention through scaled_dot_product_attention (flash/memory-efficient kernels where
/// available). Scores are q·k/√d_head, or q·k/d_head under μP (<paramref name="mup"/>, Yang et al. 2022: q and k grow
/// correlated in training, so their product grows as d_head, not √d_head).
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>, IResidualWriter
{
    private readonly Linear qkv, proj;
    private readonly int _heads;
    private readonly bool _rotary;
    private readonly double _queryScale;

    public CausalSelfAttention(int dModel, int heads, bool rotary, bool mup = false) : base(nameof(CausalSelfAttention))
    {
        qkv = nn.Linear(dModel, 3 * dModel, hasBias: false);
        proj = nn.Linear(dModel, dModel, hasBias: false);
        (_heads, _rotary) = (heads, rotary);
        _queryScale = mup ? MaximalUpdate.QueryScale(dModel / heads) : 1;
        RegisterComponents();
    }

    public Linear OutputProjection => proj;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = AttentionHeads.Project(qkv, x, _heads, _rotary);                     // 3 x (B, nh, T, hs)
        if (_queryScale != 1) q = q * _queryScale;                                           // μP: SDPA's 1/√hs then makes 1/hs
        var y = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);       // (B, nh, T, hs)
        return proj.forward(AttentionHeads.Merge(y)).MoveToOuterDisposeScope();              // (B, T, d)
    }
}
