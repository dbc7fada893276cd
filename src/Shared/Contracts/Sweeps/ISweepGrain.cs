using Orleans.Concurrency;

namespace ScaleLab.Sweeps;

/// <summary>One study: expands its spec into runs, hands them to the scheduler, and knows when they have all finished.</summary>
public interface ISweepGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Stores the sweep and its runs and queues them. Idempotent for the same sweep id and spec; the same id with
    /// another spec is refused (<see cref="SweepSubmission.ConflictingSpec"/>), never silently answered with the first
    /// sweep. <paramref name="owner"/> says who submitted it (an API key's id, or "schedule NAME").
    /// </summary>
    Task<SweepSubmission> SubmitAsync(string specJson, string owner);

    /// <summary>
    /// A run ended (sent when it finished the sweep, or while an adaptive study is choosing). One-way: an adaptive step
    /// may refit for seconds, and the run's completion, already recorded, must not wait for it or time out on it; a
    /// message lost to a crash is made up by the sweep's reminder.
    /// </summary>
    [OneWay]
    Task RunFinishedAsync(Guid runId, Runs.RunStatus status);

    /// <summary>
    /// A run's metrics at a step, for the sweep's early-stopping rule. Returns why the run should stop now, or null
    /// to let it continue (always null without a rule).
    /// </summary>
    Task<string?> JudgeProgressAsync(Guid runId, int step, int totalSteps, IReadOnlyDictionary<string, double> metrics);

    /// <summary>Stops the sweep at once: queued runs never start, running ones stop within a step. Idempotent; a finished sweep is left as it is.</summary>
    Task CancelAsync();
}

/// <summary>The sweep a submission names; <see cref="ConflictingSpec"/> when that sweep exists with a different spec.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Sweeps.SweepSubmission")]
public sealed record SweepSubmission([property: Id(0)] SweepAccepted Sweep, [property: Id(1)] bool ConflictingSpec);
