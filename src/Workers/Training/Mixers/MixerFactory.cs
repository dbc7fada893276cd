using ScaleLab.Runs;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>Builds a layer's sequence mixer from its name and the run config.</summary>
public static class MixerFactory
{
    public static nn.Module<Tensor, Tensor> Create(string mixer, RunConfig c)
    {
        var rotary = c.Positions == ScaleLab.Models.PositionKinds.Rope;
        var mup = c.Parametrization == Parametrizations.Mup;   // softmax scores q·k/d_head; the other mixers have no softmax over q·k
        return mixer switch
        {
            Models.Mixers.Softmax => new CausalSelfAttention(c.DModel, c.NHeads, rotary, mup),
            Models.Mixers.SlidingWindow => new SlidingWindowAttention(c.DModel, c.NHeads, c.Window, rotary, mup),
            Models.Mixers.Linear => new LinearAttention(c.DModel, c.NHeads, c.FeatureDim, c.FeatureMap),
            Models.Mixers.Gla => new GatedLinearAttention(c.DModel, c.GlaKeyDim, c.GlaHeads),
            Models.Mixers.Mamba => new SelectiveStateSpace(c.DModel, c.NHeads, c.StateSize),
            _ => throw new ArgumentOutOfRangeException(nameof(mixer), mixer, "not a layer mixer"),
        };
    }
}
