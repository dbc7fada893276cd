using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>Pre-norm residual block: x + Attn(RMSNorm(x)), then + SwiGLU(RMSNorm(x)).</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly RmsNorm norm1, norm2;
    private readonly CausalSelfAttention attn;
    private readonly SwiGlu mlp;

    public TransformerBlock(int dModel, int heads, int hidden) : base(nameof(TransformerBlock))
    {
        norm1 = new RmsNorm(dModel);
        attn = new CausalSelfAttention(dModel, heads);
        norm2 = new RmsNorm(dModel);
        mlp = new SwiGlu(dModel, hidden);
        RegisterComponents();
    }

    /// <summary>The projections that write into the residual stream (initialised smaller, as in GPT-2).</summary>
    public IEnumerable<TorchSharp.Modules.Linear> ResidualProjections => [attn.OutputProjection, mlp.OutputProjection];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + attn.forward(norm1.forward(x));
        x = x + mlp.forward(norm2.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
