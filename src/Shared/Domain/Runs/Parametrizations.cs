namespace ScaleLab.Runs;

/// <summary>
/// How a run's weights, learning rates and multipliers depend on its width (<see cref="RunConfig.Parametrization"/>).
/// </summary>
public static class Parametrizations
{
    /// <summary>Every weight N(0, 0.02), one AdamW learning rate, attention q·k/√d_head, logits unscaled (GPT-2, nanoGPT).</summary>
    public const string Standard = "standard";

    /// <summary>
    /// The maximal update parametrization (μP; Yang et al. 2022, "Tensor Programs V") relative to a base model of width
    /// <see cref="RunConfig.MupBaseWidth"/>: a learning rate tuned at the base width transfers to wider models.
    /// </summary>
    public const string Mup = "mup";

    public static readonly IReadOnlyList<string> All = [Standard, Mup];

    /// <summary>μP's width multiplier m = d_model / base width; 1 under the standard parametrization.</summary>
    public static double WidthMultiplier(RunConfig c) =>
        c.Parametrization == Mup && c.MupBaseWidth > 0 ? c.DModel / (double)c.MupBaseWidth : 1;
}
