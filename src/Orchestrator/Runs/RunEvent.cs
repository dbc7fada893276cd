using ScaleLab.Runs;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// Row of table run_events: the run's log, one line per thing that happened to it (queued onto a slot, training
/// started or resumed, checkpoint stored, re-queued and why, finished), written by the orchestrator and the worker.
/// </summary>
public sealed class RunEvent
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Source { get; set; }
    public required string Message { get; set; }
    public RunEventKind Kind { get; set; }
    /// <summary>The worker slot, on Assigned, Started and Resumed lines.</summary>
    public string? Slot { get; set; }
    /// <summary>The step, on Resumed (the checkpoint's) and Checkpoint lines.</summary>
    public int? Step { get; set; }
}
