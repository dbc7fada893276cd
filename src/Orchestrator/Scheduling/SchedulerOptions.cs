namespace ScaleLab.Orchestrator.Scheduling;

/// <summary>Timings of failure detection. Workers heartbeat every 5 s, so a killed worker's runs are re-queued within about 40 s.</summary>
public sealed record SchedulerOptions
{
    public TimeSpan SlotTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan LivenessCheckInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan StartGracePeriod { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan StartCallTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
