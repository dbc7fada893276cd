using Hangfire;
using Hangfire.Storage;

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
    public sealed class Reconciler(ScheduleStore store, IRecurringJobManager jobs, JobStorage storage, ILogger<Reconciler> logger)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var schedules = await store.FindAllAsync(stoppingToken);
            var wanted = new HashSet<string>();
            foreach (var schedule in schedules.Where(s => !s.Paused))
            {
                // A row this version would refuse (stored by an older one, or edited by hand) must not stop the
                // orchestrator: it stays without a job, and the log says which and why.
                var problems = new ScaleLab.Validation.ValidationErrors();
                if (ScaleLab.Schedules.CronSchedule.Parse(schedule.Cron, schedule.TimeZone, problems, out _) is null || schedule.TimeZone.Length == 0)
                {
                    logger.LogError("Schedule {ScheduleId} '{Name}' is not registered: {Problems}", schedule.Id, schedule.Name,
                        problems.IsEmpty ? "it has no time zone" : problems.ToString());
                    continue;
                }
                Register(jobs, schedule);
                wanted.Add(JobId(schedule.Id));
            }
            using var connection = storage.GetConnection();
            foreach (var job in connection.GetRecurringJobs().Where(j => j.Id.StartsWith("schedule-", StringComparison.Ordinal) && !wanted.Contains(j.Id)))
                jobs.RemoveIfExists(job.Id);
            logger.LogInformation("Schedules reconciled: {Active} active of {Total}", wanted.Count, schedules.Count);
        }
    }
}
