using Hangfire;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Schedules;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Schedules;

/// <summary>
/// Stored schedules (table schedules) with their firings (schedule_firings), each active schedule with its Hangfire
/// recurring job kept in step: what the schedule endpoints, the firing job and the start-up reconciler read and write.
/// The endpoints only validate and map.
/// </summary>
public sealed class ScheduleStore(IDbContextFactory<ScaleLabDb> dbFactory, IRecurringJobManager jobs, TimeProvider clock)
{
    /// <summary>Firings a view lists, newest first; its count covers them all.</summary>
    public const int RecentFiringCount = 20;

    /// <summary>Stores a checked schedule (giving it its id and creation time) and registers its job.</summary>
    public async Task<ScheduleView> AddAsync(ScheduleRecord schedule, CancellationToken ct)
    {
        schedule.Id = Guid.CreateVersion7();
        schedule.CreatedAt = clock.GetUtcNow();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Schedules.Add(schedule);
            await db.SaveChangesAsync(ct);
        }
        ScheduleJobs.Register(jobs, schedule);
        return View(new ScheduleRow(schedule, 0, []));
    }

    /// <summary>A schedule with its recent firings, in one query.</summary>
    public async Task<ScheduleView?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db, id).SingleOrDefaultAsync(ct) is { } row ? View(row) : null;
    }

    /// <summary>Every schedule, oldest first, each with its firing count and recent firings: one query, however many there are.</summary>
    public async Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await Rows(db, only: null).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    /// <summary>The stored row alone (for a firing, a trigger's check and the reconciler's pass), or null.</summary>
    public async Task<ScheduleRecord?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
    }

    /// <summary>Every stored row, paused ones included.</summary>
    public async Task<IReadOnlyList<ScheduleRecord>> FindAllAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Schedules.AsNoTracking().ToListAsync(ct);
    }

    /// <summary>Pauses (the job goes) or resumes (the job comes back) a schedule; null when there is none.</summary>
    public async Task<ScheduleView?> SetPausedAsync(Guid id, bool paused, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Schedules.Where(s => s.Id == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Paused, paused), ct) == 0) return null;
        if (await Rows(db, id).SingleOrDefaultAsync(ct) is not { } row) return null; // deleted meanwhile
        if (paused) jobs.RemoveIfExists(ScheduleJobs.JobId(id));
        else ScheduleJobs.Register(jobs, row.Schedule);
        return View(row);
    }

    /// <summary>Asks Hangfire to run the schedule's job now (a firing for the latest scheduled time).</summary>
    public void Trigger(Guid id) => jobs.Trigger(ScheduleJobs.JobId(id));

    /// <summary>Deletes a schedule and its firing ledger (its studies stay); false when there was none.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        jobs.RemoveIfExists(ScheduleJobs.JobId(id)); // first: a firing in flight finds no schedule and stops
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Schedules.Where(s => s.Id == id).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>
    /// Records that the firing for <paramref name="scheduledFor"/> submits <paramref name="sweepId"/>; a second record
    /// of the same scheduled time (a retry, a trigger) keeps the first.
    /// </summary>
    public async Task RecordFiringAsync(Guid scheduleId, DateTime scheduledFor, Guid sweepId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO schedule_firings (schedule_id, scheduled_for, sweep_id, fired_at)
             VALUES ({scheduleId}, {new DateTimeOffset(scheduledFor, TimeSpan.Zero)}, {sweepId}, {clock.GetUtcNow()})
             ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
             """, ct);
    }

    /// <summary>
    /// Every schedule (oldest first), or <paramref name="only"/> one, with its firing count and latest firings as one SQL statement
    /// (the count a correlated subquery, the latest firings a join on firings numbered per schedule), so a list costs
    /// one round trip, not one or two per schedule.
    /// </summary>
    private static IQueryable<ScheduleRow> Rows(ScaleLabDb db, Guid? only)
    {
        var schedules = db.Schedules.AsNoTracking();
        var firings = db.ScheduleFirings.AsNoTracking();
        if (only is { } id)
        {
            schedules = schedules.Where(s => s.Id == id);
            firings = firings.Where(f => f.ScheduleId == id); // inside the numbering: a range of the key, not the whole ledger
        }
        return schedules.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).Select(s => new ScheduleRow(s,
            firings.Count(f => f.ScheduleId == s.Id),
            firings.Where(f => f.ScheduleId == s.Id).OrderByDescending(f => f.ScheduledFor).Take(RecentFiringCount)
                .Select(f => new ScheduleFiringView(f.ScheduledFor, f.SweepId, f.FiredAt)).ToList()));
    }

    private ScheduleView View(ScheduleRow row)
    {
        var s = row.Schedule;
        var cron = CronSchedule.Parse(s.Cron, s.TimeZone, new ValidationErrors(), out var zone);
        DateTimeOffset? next = s.Paused || cron is null ? null : cron.GetNextOccurrence(clock.GetUtcNow(), zone);
        return new ScheduleView(s.Id, s.Name, s.Cron, s.TimeZone, s.Paused, s.CreatedAt, next, row.Firings, row.RecentFirings);
    }

    private sealed record ScheduleRow(ScheduleRecord Schedule, int Firings, List<ScheduleFiringView> RecentFirings);
}
