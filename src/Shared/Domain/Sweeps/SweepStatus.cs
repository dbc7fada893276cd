namespace ScaleLab.Sweeps;

public enum SweepStatus
{
    /// <summary>Stored and expanded; runs are waiting for a worker.</summary>
    Queued = 0,
    Running = 1,
    /// <summary>Every run succeeded.</summary>
    Succeeded = 2,
    /// <summary>Every run finished and at least one failed (a failed run never stops the sweep).</summary>
    CompletedWithFailures = 3,
    Cancelled = 4,
}
