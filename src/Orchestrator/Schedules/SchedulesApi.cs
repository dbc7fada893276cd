using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ScaleLab.Orchestrator.Infrastructure;
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
        HttpRequest request, ScheduleStore schedules, Sweeps.SpecCheck specs, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(request, MaxBodyBytes, errors, ct);
        var record = body is null ? null : Read(body, errors);
        // The spec each firing submits, checked as a study is (registered data sets never change once ready, so what
        // every firing needs is checked once, here).
        if (record is not null) await specs.RunAsync(record.SpecJson, Guid.Empty, errors, ct, prefix: "spec.");
        if (record is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The schedule is invalid");

        var view = await schedules.AddAsync(record, ct);
        return TypedResults.Created($"/api/schedules/{view.Id}", view);
    }

    public static async Task<Ok<IReadOnlyList<ScheduleView>>> ListSchedules(ScheduleStore schedules, CancellationToken ct) =>
        TypedResults.Ok(await schedules.ListAsync(ct));

    public static async Task<Results<Ok<ScheduleView>, NotFound>> GetSchedule(Guid id, ScheduleStore schedules, CancellationToken ct) =>
        await schedules.GetAsync(id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    public static Task<Results<Ok<ScheduleView>, NotFound>> PauseSchedule(Guid id, ScheduleStore schedules, CancellationToken ct) =>
        SetPausedAsync(id, paused: true, schedules, ct);

    public static Task<Results<Ok<ScheduleView>, NotFound>> ResumeSchedule(Guid id, ScheduleStore schedules, CancellationToken ct) =>
        SetPausedAsync(id, paused: false, schedules, ct);

    public static async Task<Results<Accepted, NotFound, ProblemHttpResult>> TriggerSchedule(Guid id, ScheduleStore schedules, CancellationToken ct)
    {
        if (await schedules.FindAsync(id, ct) is not { } schedule) return TypedResults.NotFound();
        if (schedule.Paused)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The schedule is paused",
                detail: $"resume it first (POST /api/schedules/{id}/resume)");
        schedules.Trigger(id);
        return TypedResults.Accepted($"/api/schedules/{id}");
    }

    public static async Task<Results<NoContent, NotFound>> DeleteSchedule(Guid id, ScheduleStore schedules, CancellationToken ct) =>
        await schedules.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<ScheduleView>, NotFound>> SetPausedAsync(Guid id, bool paused, ScheduleStore schedules, CancellationToken ct) =>
        await schedules.SetPausedAsync(id, paused, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

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
}
