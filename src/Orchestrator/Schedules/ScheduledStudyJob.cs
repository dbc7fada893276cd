using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Server;
using ScaleLab.Schedules;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Schedules;

/// <summary>
/// The Hangfire job of a schedule. Hangfire runs a job at least once, so each firing is made idempotent: it stands
/// for one scheduled time (kept in a job parameter across retries), the study's id is derived from (schedule,
/// scheduled time), the firing is recorded in a ledger keyed the same way, and submitting to a sweep grain that
/// already accepted is a no-op. However often it runs, a scheduled time yields at most one study.
/// </summary>
public sealed class ScheduledStudyJob(ScheduleStore schedules, IGrainFactory grains, TimeProvider clock, ILogger<ScheduledStudyJob> logger)
{
    private const string ScheduledForParameter = "ScaleLab.ScheduledFor";

    [AutomaticRetry(Attempts = 5)]
    public async Task FireAsync(Guid scheduleId, PerformContext? context, CancellationToken ct)
    {
        var schedule = await schedules.FindAsync(scheduleId, ct);
        if (schedule is null || schedule.Paused)
        {
            logger.LogInformation("Schedule {ScheduleId} is {State}; not firing", scheduleId, schedule is null ? "gone" : "paused");
            return;
        }

        var scheduledFor = context?.GetJobParameter<DateTime?>(ScheduledForParameter) ?? ScheduledTime(schedule);
        if (scheduledFor is null) return;
        context?.SetJobParameter(ScheduledForParameter, scheduledFor);

        var sweepId = DeterministicGuid.From($"schedule:{scheduleId}:{scheduledFor:O}");
        await schedules.RecordFiringAsync(scheduleId, scheduledFor.Value, sweepId, ct);
        var spec = JsonNode.Parse(schedule.SpecJson)!.AsObject();
        spec["name"] = CronSchedule.StudyName(schedule.Name, scheduledFor.Value);
        var accepted = (await grains.GetGrain<ISweepGrain>(sweepId).SubmitAsync(spec.ToJsonString(), "schedule " + schedule.Name)).Sweep;
        logger.LogInformation("Schedule {ScheduleId} fired for {ScheduledFor:O}: sweep {SweepId} with {Runs} runs",
            scheduleId, scheduledFor, sweepId, accepted.RunCount);
    }

    private DateTime? ScheduledTime(ScheduleRecord schedule)
    {
        var errors = new Validation.ValidationErrors();
        var cron = CronSchedule.Parse(schedule.Cron, schedule.TimeZone, errors, out var zone);
        return cron is null ? null : CronSchedule.LatestAtOrBefore(cron, clock.GetUtcNow().UtcDateTime, zone);
    }
}
