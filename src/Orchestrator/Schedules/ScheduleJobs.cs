using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;

namespace ScaleLab.Orchestrator.Schedules;

/// <summary>Keeps Hangfire's recurring jobs in step with table schedules: one job per active schedule.</summary>
public static class ScheduleJobs
{
    public static string JobId(Guid scheduleId) => "schedule-" + scheduleId.ToString("N");

    public static void Register(IRecurringJobManager jobs, ScheduleRecord schedule)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        var id = schedule.Id;
        jobs.AddOrUpdate<ScheduledStudyJob>(JobId(id), job => job.FireAsync(id, null, CancellationToken.None), schedule.Cron,
            new RecurringJobOptions { TimeZone = zone });
    }

    /// <summary>
    /// At start: every active schedule has its job and no paused or deleted one does (a crash between the table and
    /// Hangfire, or a Hangfire schema restored from elsewhere, heals here).
    /// </summary>
    public sealed class Reconciler(IDbContextFactory<ScaleLabDb> dbs, IRecurringJobManager jobs, JobStorage storage, ILogger<Reconciler> logger)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await using var db = await dbs.CreateDbContextAsync(stoppingToken);
            var schedules = await db.Schedules.AsNoTracking().ToListAsync(stoppingToken);
            foreach (var schedule in schedules.Where(s => !s.Paused)) Register(jobs, schedule);
            var wanted = schedules.Where(s => !s.Paused).Select(s => JobId(s.Id)).ToHashSet();
            using var connection = storage.GetConnection();
            foreach (var job in connection.GetRecurringJobs().Where(j => j.Id.StartsWith("schedule-", StringComparison.Ordinal) && !wanted.Contains(j.Id)))
                jobs.RemoveIfExists(job.Id);
            logger.LogInformation("Schedules reconciled: {Active} active of {Total}", wanted.Count, schedules.Count);
        }
    }
}
