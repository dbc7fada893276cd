namespace ScaleLab.Orchestrator.Schedules;

/// <summary>Row of table schedules: a study submitted on a cron schedule, with its Hangfire recurring job of the same id.</summary>
public sealed class ScheduleRecord
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Cron { get; set; }
    public required string TimeZone { get; set; }
    public required string SpecJson { get; set; }
    public bool Paused { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
