using ScaleLab.Runs;
using ScaleLab.Workers.Training.Mixers;
using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>Pre-norm residual block: x + Mixer(ShortConv?(RMSNorm(x))), then + SwiGLU(RMSNorm(x)).</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly RmsNorm norm1, norm2;
    private readonly nn.Module<Tensor, Tensor> mixer;
    private readonly SwiGlu mlp;
    private readonly ShortConvolution? shortConv;

    public TransformerBlock(string mixerName, RunConfig c) : base(nameof(TransformerBlock))
    {
        norm1 = new RmsNorm(c.DModel);
        mixer = MixerFactory.Create(mixerName, c);
        if (Models.Mixers.ShortConv(c) is var taps and > 0) shortConv = new ShortConvolution(c.DModel, taps);
        norm2 = new RmsNorm(c.DModel);
        mlp = new SwiGlu(c.DModel, Models.TransformerShape.SwiGluHidden(c.DModel));
        RegisterComponents();
    }

    public nn.Module<Tensor, Tensor> Mixer => mixer;

    /// <summary>The projections that write into the residual stream (initialised smaller, as in GPT-2).</summary>
    public IEnumerable<TorchSharp.Modules.Linear> ResidualProjections => [((IResidualWriter)mixer).OutputProjection, mlp.OutputProjection];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var u = norm1.forward(x);
        x = x + mixer.forward(shortConv is null ? u : shortConv.forward(u));
        x = x + mlp.forward(norm2.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
