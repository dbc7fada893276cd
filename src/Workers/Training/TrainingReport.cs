using ScaleLab.Runs;

namespace ScaleLab.Workers.Training;

/// <summary>A metric value at a step, with the cumulative tokens and FLOPs spent to reach it.</summary>
public sealed record MetricSample(int Step, string Name, double Value, long Tokens, double Flops, double WallClockSeconds);

/// <summary>What the trainer tells the outside world while it trains; called on the training thread, so it must not block for long.</summary>
public interface ITrainingObserver
{
    void OnMetrics(IReadOnlyList<MetricSample> samples);

    void OnProgress(RunProgress progress);

    /// <summary>
    /// A resumable checkpoint is due. <paramref name="write"/> serialises model, optimizer and manifest into a
    /// stream and must be called before returning (the weights change at the next step); storing the bytes may
    /// happen later, elsewhere.
    /// </summary>
    void OnCheckpoint(CheckpointArchive.Manifest manifest, Action<Stream> write);

    /// <summary>
    /// A checkpoint another run will start from (a ladder's branch point) is due: the same contract as
    /// <see cref="OnCheckpoint"/>, but these bytes must be kept, under their step, for as long as the study lasts.
    /// </summary>
    void OnBranchPoint(CheckpointArchive.Manifest manifest, Action<Stream> write);
}

public sealed record TrainingOutcome(
    int Steps, long Tokens, double Flops, double FinalLoss, double? FinalValLoss, double WallClockSeconds, int ResumedFromStep, double? FinalAccuracy = null);
