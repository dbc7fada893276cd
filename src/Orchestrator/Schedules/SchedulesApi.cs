using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Schedules;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Schedules;

/// <summary>
/// /api/schedules: studies submitted on a cron schedule by Hangfire (one recurring job per schedule, id = schedule id).
/// Body of a create: { "name", "cron" (5 fields, or 6 with seconds), "timeZone" (default UTC), "spec" (a sweep spec) }.
/// </summary>
public static class SchedulesApi
{
    private const int MaxBodyBytes = 256 * 1024;
    private static readonly HashSet<string> Fields = ["name", "cron", "timeZone", "spec"];

    public static RouteGroupBuilder MapSchedulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/schedules").WithTags("Schedules");
        api.MapPost("/", CreateSchedule).WithName("CreateSchedule").WithSummary("Schedule a study on a cron expression")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);
        api.MapGet("/", ListSchedules).WithName("ListSchedules").WithSummary("All schedules with their next firing");
        api.MapGet("/{id:guid}", GetSchedule).WithName("GetSchedule").WithSummary("A schedule with its recent firings");
        api.MapPost("/{id:guid}/pause", PauseSchedule).WithName("PauseSchedule").WithSummary("Stop firing until resumed")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);
        api.MapPost("/{id:guid}/resume", ResumeSchedule).WithName("ResumeSchedule").WithSummary("Fire again from the next scheduled time")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);
        api.MapPost("/{id:guid}/trigger", TriggerSchedule).WithName("TriggerSchedule")
            .WithSummary("Fire now for the latest scheduled time (a no-op if that time already has its study)")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);
        api.MapDelete("/{id:guid}", DeleteSchedule).WithName("DeleteSchedule").WithSummary("Delete a schedule; its studies stay")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);
        return api;
    }

    public static async Task<Results<Created<ScheduleView>, ValidationProblem>> CreateSchedule(
        HttpRequest request, IDbContextFactory<ScaleLabDb> dbs, IRecurringJobManager jobs, Sweeps.SpecCheck specs,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, errors, ct);
        var record = body is null ? null : Read(body, errors);
        // The spec each firing submits, checked as a study is (registered data sets never change once ready, so what
        // every firing needs is checked once, here).
        if (record is not null) await specs.RunAsync(record.SpecJson, Guid.Empty, errors, ct, prefix: "spec.");
        if (record is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The schedule is invalid");

        record.Id = Guid.CreateVersion7();
        record.CreatedAt = clock.GetUtcNow();
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            db.Schedules.Add(record);
            await db.SaveChangesAsync(ct);
        }
        ScheduleJobs.Register(jobs, record);
        return TypedResults.Created($"/api/schedules/{record.Id}", await ViewAsync(dbs, record, clock, ct));
    }

    public static async Task<Ok<List<ScheduleView>>> ListSchedules(IDbContextFactory<ScaleLabDb> dbs, TimeProvider clock, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var views = new List<ScheduleView>();
        foreach (var schedule in await db.Schedules.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(ct))
            views.Add(await ViewAsync(dbs, schedule, clock, ct));
        return TypedResults.Ok(views);
    }

    public static async Task<Results<Ok<ScheduleView>, NotFound>> GetSchedule(Guid id, IDbContextFactory<ScaleLabDb> dbs, TimeProvider clock, CancellationToken ct) =>
        await FindAsync(dbs, id, ct) is { } s ? TypedResults.Ok(await ViewAsync(dbs, s, clock, ct)) : TypedResults.NotFound();

    public static Task<Results<Ok<ScheduleView>, NotFound>> PauseSchedule(
        Guid id, IDbContextFactory<ScaleLabDb> dbs, IRecurringJobManager jobs, TimeProvider clock, CancellationToken ct) =>
        SetPausedAsync(id, paused: true, dbs, jobs, clock, ct);

    public static Task<Results<Ok<ScheduleView>, NotFound>> ResumeSchedule(
        Guid id, IDbContextFactory<ScaleLabDb> dbs, IRecurringJobManager jobs, TimeProvider clock, CancellationToken ct) =>
        SetPausedAsync(id, paused: false, dbs, jobs, clock, ct);

    public static async Task<Results<Accepted, NotFound, ProblemHttpResult>> TriggerSchedule(
        Guid id, IDbContextFactory<ScaleLabDb> dbs, IRecurringJobManager jobs, CancellationToken ct)
    {
        if (await FindAsync(dbs, id, ct) is not { } schedule) return TypedResults.NotFound();
        if (schedule.Paused)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The schedule is paused",
                detail: $"resume it first (POST /api/schedules/{id}/resume)");
        jobs.Trigger(ScheduleJobs.JobId(id));
        return TypedResults.Accepted($"/api/schedules/{id}");
    }

    public static async Task<Results<NoContent, NotFound>> DeleteSchedule(
        Guid id, IDbContextFactory<ScaleLabDb> dbs, IRecurringJobManager jobs, CancellationToken ct)
    {
        jobs.RemoveIfExists(ScheduleJobs.JobId(id)); // first: a firing in flight finds no schedule and stops
        await using var db = await dbs.CreateDbContextAsync(ct);
        var deleted = await db.Schedules.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ScheduleView>, NotFound>> SetPausedAsync(
        Guid id, bool paused, IDbContextFactory<ScaleLabDb> dbs, IRecurringJobManager jobs, TimeProvider clock, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var schedule = await db.Schedules.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (schedule is null) return TypedResults.NotFound();
        schedule.Paused = paused;
        await db.SaveChangesAsync(ct);
        if (paused) jobs.RemoveIfExists(ScheduleJobs.JobId(id));
        else ScheduleJobs.Register(jobs, schedule);
        return TypedResults.Ok(await ViewAsync(dbs, schedule, clock, ct));
    }

    /// <summary>
    /// Reads a create body, naming each bad field in <paramref name="errors"/> ("cron", "timeZone", ...); null when
    /// there is no spec to check. The spec itself is checked by <see cref="Sweeps.SpecCheck"/> ("spec.base.learningRate").
    /// </summary>
    private static ScheduleRecord? Read(string body, ValidationErrors errors)
    {
        JsonObject? obj;
        try { obj = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false }) as JsonObject; }
        catch (JsonException ex) { errors.Add("body", $"not valid JSON: {ex.Message}"); return null; }
        catch (InvalidOperationException) { errors.Add("body", JsonInput.InvalidName); return null; }
        if (obj is null) { errors.Add("body", "must be a JSON object"); return null; }
        if (!JsonInput.Check(obj, errors)) return null;
        foreach (var (key, _) in obj)
            if (!Fields.Contains(key)) errors.Add(key, $"unknown field; expected one of: {string.Join(", ", Fields)}");

        var name = String(obj, "name", errors);
        if (name is not null && !SweepSpecParser.IsValidName(name)) errors.Add("name", SweepSpecParser.NameRule);
        var cron = String(obj, "cron", errors);
        var timeZone = obj["timeZone"] is null ? "UTC" : String(obj, "timeZone", errors);
        if (timeZone is { Length: 0 }) errors.Add("timeZone", "must name a time zone (an IANA id such as Europe/Berlin, or UTC), or be left out for UTC");
        CronSchedule.Parse(cron, timeZone, errors, out _);

        if (obj["spec"] is not JsonObject spec)
        {
            errors.Add("spec", "is required: the sweep spec each firing submits");
            return null;
        }
        spec = (JsonObject)spec.DeepClone();
        spec["name"] ??= name; // each firing names its study "<name> <scheduled time>"
        // The spec is checked by the caller, whatever else is wrong here, so one answer names every problem.
        return new ScheduleRecord { Name = name ?? "", Cron = cron ?? "", TimeZone = timeZone ?? "", SpecJson = spec.ToJsonString() };
    }

    private static string? String(JsonObject obj, string field, ValidationErrors errors)
    {
        if (obj[field] is JsonValue value && value.TryGetValue<string>(out var text)) return text;
        errors.Add(field, obj[field] is null ? "is required" : "must be a string");
        return null;
    }

    private static async Task<ScheduleRecord?> FindAsync(IDbContextFactory<ScaleLabDb> dbs, Guid id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
    }

    private static async Task<ScheduleView> ViewAsync(IDbContextFactory<ScaleLabDb> dbs, ScheduleRecord s, TimeProvider clock, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var firings = db.ScheduleFirings.AsNoTracking().Where(f => f.ScheduleId == s.Id);
        var recent = await firings.OrderByDescending(f => f.ScheduledFor).Take(20)
            .Select(f => new ScheduleFiringView(f.ScheduledFor, f.SweepId, f.FiredAt)).ToListAsync(ct);
        var cron = CronSchedule.Parse(s.Cron, s.TimeZone, new ValidationErrors(), out var zone);
        DateTimeOffset? next = s.Paused || cron is null ? null : cron.GetNextOccurrence(clock.GetUtcNow(), zone);
        return new ScheduleView(s.Id, s.Name, s.Cron, s.TimeZone, s.Paused, s.CreatedAt, next, await firings.CountAsync(ct), recent);
    }
}
