using ScaleLab.Runs;

namespace ScaleLab.Workers.Training;

/// <summary>
/// The maximal update parametrization (μP; Yang et al. 2022, "Tensor Programs V": Table 3's initialisation and Adam
/// rates, with Table 8's output multiplier as the mup package's MuReadout has it), relative to a base model of width
/// <see cref="RunConfig.MupBaseWidth"/>. With the width multiplier m = d_model / base width:
/// <list type="bullet">
/// <item><b>hidden weights</b>, every matrix whose input (fan_in) grows with d_model: the attention, MLP and mixer
/// projections (<see cref="DecoderLM.HiddenWeights"/>). Initialised N(0, σ²/m) where the standard parametrization
/// draws N(0, σ²) (the residual projections' σ = 0.02/√(2L) included); AdamW rate lr/m, and weight decay wd·m so that
/// their decay per step, lr·wd, stays (as mup's MuAdam keeps it);</item>
/// <item><b>input weights and vectors</b>: token and position embeddings, projections from a fixed width (GLA's gate
/// up-projection, <see cref="Mixers.IFixedInputProjections"/>), convolution taps, norm gains, biases: initialisation
/// and rate as in the standard parametrization;</item>
/// <item><b>the output</b>: logits multiplied by 1/m. An untied LM head keeps σ = 0.02 and the rate lr (MuReadout's
/// constant-variance form). A tied head is the token embedding, an input weight, so it keeps its initialisation and rate
/// too, and only the multiplier scales the logits (mup's MuSharedReadout);</item>
/// <item><b>softmax attention</b> scores q·k/d_head instead of q·k/√d_head (softmax and sliding-window mixers).</item>
/// </list>
/// At m = 1 the weights and rates are the standard parametrization's; only attention's scale differs.
/// </summary>
public sealed record MaximalUpdate(double WidthMultiplier)
{
    /// <summary>The run's μP, or null under the standard parametrization.</summary>
    public static MaximalUpdate? Of(RunConfig c) =>
        c.Parametrization == Parametrizations.Mup ? new MaximalUpdate(Parametrizations.WidthMultiplier(c)) : null;

    /// <summary>What multiplies a hidden weight's standard deviation: 1/√m (variance σ²/m).</summary>
    public double HiddenInitScale => 1 / Math.Sqrt(WidthMultiplier);

    /// <summary>What multiplies the logits: 1/m.</summary>
    public double OutputMultiplier => 1 / WidthMultiplier;

    /// <summary>
    /// The optimizer's groups: 2-D weights other than hidden ones (embeddings, an untied head, fixed-width inputs,
    /// convolution taps) decaying at lr; vectors at lr without decay; hidden weights at lr/m with weight decay x m.
    /// The first two are the standard parametrization's groups, in its order.
    /// </summary>
    public IReadOnlyList<OptimizerGroup> Groups(IReadOnlySet<string> hiddenWeights) =>
    [
        new("decay", (name, p) => p.dim() >= 2 && !hiddenWeights.Contains(name), Decays: true),
        new("no decay", (_, p) => p.dim() < 2, Decays: false),
        new("hidden", (name, _) => hiddenWeights.Contains(name), Decays: true, RateScale: 1 / WidthMultiplier, DecayScale: WidthMultiplier),
    ];

    /// <summary>
    /// What a softmax mixer multiplies its queries by so that scaled_dot_product_attention, which divides by √d_head
    /// and has no scale argument in TorchSharp, scores q·k/d_head.
    /// </summary>
    public static double QueryScale(int headDim) => 1 / Math.Sqrt(headDim);
}
