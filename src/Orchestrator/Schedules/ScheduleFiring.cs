namespace ScaleLab.Orchestrator.Schedules;

/// <summary>
/// Row of table schedule_firings, keyed by (schedule, scheduled time): the ledger that makes a firing submit at most
/// one study per scheduled time, however often Hangfire runs or retries the job.
/// </summary>
public sealed class ScheduleFiring
{
    public Guid ScheduleId { get; set; }
    public DateTimeOffset ScheduledFor { get; set; }
    public Guid SweepId { get; set; }
    public DateTimeOffset FiredAt { get; set; }
}
