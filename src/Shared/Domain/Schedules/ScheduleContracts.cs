namespace ScaleLab.Schedules;

/// <summary>A scheduled study as the API shows it.</summary>
public sealed record ScheduleView(
    Guid Id, string Name, string Cron, string TimeZone, bool Paused, DateTimeOffset CreatedAt, DateTimeOffset? NextFireAt,
    int Firings, IReadOnlyList<ScheduleFiringView> RecentFirings);

/// <summary>One firing: the scheduled time it stands for and the study it submitted.</summary>
public sealed record ScheduleFiringView(DateTimeOffset ScheduledFor, Guid SweepId, DateTimeOffset FiredAt);
