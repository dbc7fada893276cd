using System.Diagnostics;

namespace ScaleLab.Workers.Training;

/// <summary>
/// A training's wall clock, and the part of it spent training: evaluation is not training time, so throughput
/// (tokens/s) counts only the latter, also where several runs evaluate in turn at one step (packed training).
/// </summary>
public sealed class TrainingClock
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly Stopwatch _evaluating = new();

    /// <summary>Seconds since the training started.</summary>
    public double Seconds => _wall.Elapsed.TotalSeconds;

    /// <summary>Seconds since the training started, less those spent evaluating.</summary>
    public double TrainingSeconds => (_wall.Elapsed - _evaluating.Elapsed).TotalSeconds;

    /// <summary>Counts the time until it is disposed as evaluation.</summary>
    public IDisposable Evaluating()
    {
        _evaluating.Start();
        return new Stop(_evaluating);
    }

    private sealed class Stop(Stopwatch stopwatch) : IDisposable
    {
        public void Dispose() => stopwatch.Stop();
    }
}
