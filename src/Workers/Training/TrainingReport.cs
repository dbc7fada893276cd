using ScaleLab.Runs;

namespace ScaleLab.Workers.Training;

/// <summary>A metric value at a step, with the cumulative tokens and FLOPs spent to reach it.</summary>
public sealed record MetricSample(int Step, string Name, double Value, long Tokens, double Flops, double WallClockSeconds);

/// <summary>What the trainer tells the outside world while it trains; called on the training thread, so it must not block for long.</summary>
public interface ITrainingObserver
{
    void OnMetrics(IReadOnlyList<MetricSample> samples);

    void OnProgress(RunProgress progress);
}

public sealed record TrainingOutcome(int Steps, long Tokens, double Flops, double FinalLoss, double? FinalValLoss, double WallClockSeconds);
