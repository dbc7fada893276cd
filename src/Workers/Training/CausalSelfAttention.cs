using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>Multi-head causal softmax attention through scaled_dot_product_attention (flash/memory-efficient kernels where available).</summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv, proj;
    private readonly int _heads;

    public CausalSelfAttention(int dModel, int heads) : base(nameof(CausalSelfAttention))
    {
        qkv = nn.Linear(dModel, 3 * dModel, hasBias: false);
        proj = nn.Linear(dModel, dModel, hasBias: false);
        _heads = heads;
        RegisterComponents();
    }

    public Linear OutputProjection => proj;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (b, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var hs = d / _heads;
        var parts = qkv.forward(x).split(d, dim: 2);                      // 3 x (B, T, d)
        var q = parts[0].view(b, t, _heads, hs).transpose(1, 2);          // (B, nh, T, hs)
        var k = parts[1].view(b, t, _heads, hs).transpose(1, 2);          // (B, nh, T, hs)
        var v = parts[2].view(b, t, _heads, hs).transpose(1, 2);          // (B, nh, T, hs)
        var y = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true); // (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(b, t, d);                 // (B, T, d)
        return proj.forward(y).MoveToOuterDisposeScope();
    }
}
