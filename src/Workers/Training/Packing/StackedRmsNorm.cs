using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>
/// K <see cref="RmsNorm"/>s: each model's own gain. The packed model's final norm is this module rather than a bare
/// parameter because a module lists its own parameters before its submodules', and DecoderLM's final gain comes
/// after its blocks: so the packed parameters keep one model's order (which the optimizer's rows rely on).
/// </summary>
public sealed class StackedRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;   // (K, d)

    public StackedRmsNorm(int models, int dim) : base(nameof(StackedRmsNorm))
    {
        weight = new Parameter(ones(models, dim));
        RegisterComponents();
    }

    public Parameter Weight => weight;

    /// <param name="x">(K, ..., d).</param>
    public override Tensor forward(Tensor x) => StackedOps.RmsNorm(x, weight);
}
