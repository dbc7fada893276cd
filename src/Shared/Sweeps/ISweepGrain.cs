namespace ScaleLab.Sweeps;

/// <summary>One study: expands its spec into runs, hands them to the scheduler, and knows when they have all finished.</summary>
public interface ISweepGrain : IGrainWithGuidKey
{
    /// <summary>Stores the sweep and its runs and queues them. Idempotent for the same sweep id.</summary>
    Task<SweepAccepted> SubmitAsync(string specJson);

    Task RunFinishedAsync(Guid runId, Runs.RunStatus status);
}

[GenerateSerializer, Immutable, Alias("ScaleLab.Sweeps.SweepAccepted")]
public sealed record SweepAccepted([property: Id(0)] Guid SweepId, [property: Id(1)] int RunCount);
