using ScaleLab.Runs;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Builds models one at a time per process: weight initialisation draws from libtorch's process-wide generator, so
/// two runs building at once on two slots would take each other's random numbers, and a run's weights would depend
/// on what else the worker was doing.
/// </summary>
public static class ModelInitialisation
{
    private static readonly Lock Gate = new();

    /// <param name="seed">Seeds the generator first (a run's master weights); null for a model whose weights are overwritten after.</param>
    public static DecoderLM Build(RunConfig config, long? seed)
    {
        lock (Gate)
        {
            if (seed is { } s) manual_seed(s);
            return new DecoderLM(config);
        }
    }
}
