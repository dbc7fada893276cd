using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Tasks;

/// <summary>
/// Where a run's batches come from. A training batch is a pure function of (seed, step), so resuming at step k needs
/// no data-loader state; validation batches are fixed, so evaluations are comparable across steps and runs.
/// Targets use <see cref="Ignore"/> at positions that are not scored.
/// </summary>
public interface ITrainingTask
{
    const long Ignore = -100;

    /// <summary>Name of the validation score besides loss, or null (MQAR: "mqar_accuracy").</summary>
    string? AccuracyMetric { get; }

    /// <returns>(B, T) inputs and (B, T) targets.</returns>
    (Tensor Input, Tensor Target) Train(int step, Device device);

    /// <param name="index">0-based validation batch, below the run's evalBatches.</param>
    (Tensor Input, Tensor Target) Validation(int index, Device device);

    /// <summary>Batches of the final evaluation, the one fits use: far more than a periodic one (see RunConfig.FinalEvalTokens).</summary>
    int FinalValidationBatches => 0;

    /// <param name="index">0-based, below <see cref="FinalValidationBatches"/>; defaults to the periodic batches.</param>
    (Tensor Input, Tensor Target) FinalValidation(int index, Device device) => Validation(index, device);

    /// <summary>
    /// The loss of the best possible predictor over exactly the final evaluation's scored tokens, where the source is
    /// known (task "hmm"); null elsewhere. Logged as optimal_loss beside the final val_loss.
    /// </summary>
    double? OptimalFinalLoss() => null;

    /// <summary>What the run trains on, for its record: the data set, its content hash, tokenizer and split sizes (null: generated).</summary>
    string? DataDescription => null;

    /// <summary>Passes over the training split that this many steps make (null where data is generated fresh).</summary>
    double? EpochsAfter(long steps) => null;

    /// <summary>Bytes of text per token of the validation split, for bits per byte; null where the task is not text.</summary>
    double? BytesPerToken => null;
}
