using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// One AdamW parameter group of the trainer, held in one flat buffer by <see cref="MixedPrecision"/>: which parameters
/// it takes (by their name in the model and their tensor), whether they take weight decay, and the multiples of the
/// scheduled learning rate and of the weight decay it applies (1 but for μP's hidden weights, <see cref="MaximalUpdate"/>).
/// A parameter belongs to the first group that takes it.
/// </summary>
public sealed record OptimizerGroup(string Name, Func<string, Tensor, bool> Takes, bool Decays, double RateScale = 1, double DecayScale = 1)
{
    /// <summary>
    /// The standard two groups: weight decay on 2-D and larger weights, none on norm gains, biases and other vectors
    /// (as nanoGPT). <paramref name="stacked"/> leading dimensions that stack packed models are not counted.
    /// </summary>
    public static IReadOnlyList<OptimizerGroup> Standard(int stacked = 0) =>
    [
        new("decay", (_, p) => p.dim() - stacked >= 2, Decays: true),
        new("no decay", (_, _) => true, Decays: false),
    ];
}
