namespace ScaleLab.Runs;

/// <summary>
/// What a line of a run's log records. The attempt history, and every client, read this (with the line's slot and
/// step), never the wording of the message, which is for people.
/// </summary>
public enum RunEventKind
{
    /// <summary>Anything else worth a line: the data, the engine, an early-stopping verdict.</summary>
    Note,
    /// <summary>The scheduler gave the attempt a slot (<c>slot</c>).</summary>
    Assigned,
    /// <summary>Training began from scratch.</summary>
    Started,
    /// <summary>Training began from a stored checkpoint (<c>step</c>).</summary>
    Resumed,
    /// <summary>A checkpoint was stored (<c>step</c>).</summary>
    Checkpoint,
    /// <summary>The attempt was taken back and the run queued again; the message says why.</summary>
    Requeued,
    Succeeded,
    Failed,
    Stopped,
    Cancelled,
}
