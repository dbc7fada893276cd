namespace ScaleLab.Runs;

public enum RunStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,
    /// <summary>Stopped early by the sweep's early-stopping rule (ASHA): a finished run, not a failure.</summary>
    Stopped = 5,
}

public static class RunStatusExtensions
{
    public static bool IsTerminal(this RunStatus status) =>
        status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled or RunStatus.Stopped;
}
