namespace ScaleLab.Runs;

/// <summary>The life of one run across its attempts. Keyed by run id.</summary>
public interface IRunGrain : IGrainWithGuidKey
{
    /// <summary>A worker is about to train this attempt; false means the run already finished and must not train again.</summary>
    Task<bool> BeginAttemptAsync(Guid sweepId, string slotId, int attempt);

    Task ReportProgressAsync(int attempt, RunProgress progress);

    /// <summary>Idempotent: a repeated or stale completion (an attempt that is no longer current) is ignored.</summary>
    Task CompleteAsync(Guid sweepId, string slotId, RunResult result);
}
