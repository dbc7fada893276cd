using Microsoft.AspNetCore.Http.HttpResults;
using Polly.Registry;
using ScaleLab.Catalog;
using ScaleLab.Orchestrator.Catalog;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Sweeps;

public static class SweepsApi
{
    /// <summary>A spec is small; anything larger is refused before it is read.</summary>
    public const int MaxSpecBytes = 256 * 1024;

    public static RouteGroupBuilder MapSweepsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/sweeps").WithTags("Sweeps");
        api.MapPost("/", CreateSweep).WithName("CreateSweep").WithSummary("Submit a study; it is validated, expanded into runs and queued")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy).Accepts<object>("application/json", "application/yaml", "text/yaml");
        api.MapPost("/preview", PreviewSweep).WithName("PreviewSweep")
            .WithSummary("Expand a spec without running it: every run with parameters, tokens, FLOPs and estimated device time, and totals")
            .RequireRateLimiting(RateLimits.Previews).Accepts<object>("application/json", "application/yaml", "text/yaml");
        api.MapPost("/{id:guid}/cancel", CancelSweep).WithName("CancelSweep")
            .WithSummary("Cancel a sweep at once: queued runs never start, running ones stop within a step")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);
        api.MapPatch("/{id:guid}", AnnotateSweep).WithName("AnnotateSweep")
            .WithSummary("Tag a sweep, write notes on it, or archive it (hidden from lists and pickers); fields left out stay as they are")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy).Accepts<SweepAnnotations>("application/json");
        api.MapGet("/", ListSweeps).WithName("ListSweeps")
            .WithSummary("Sweeps, newest first, with paging, a name search, status/kind/tag filters and an id prefix; archived ones only with includeArchived=true");
        api.MapGet("/{id:guid}", GetSweep).WithName("GetSweep").WithSummary("A sweep with all its runs");
        api.MapGet("/{id:guid}/fields", GetFields).WithName("GetSweepFields")
            .WithSummary("The run-config fields that vary across the sweep's runs, and each run's value of each (to colour or group runs by)");
        api.MapGet("/{id:guid}/arms", GetArms).WithName("GetSweepArms")
            .WithSummary("Each arm (runs equal up to learning rate and seed) at its best learning rate, by final validation loss");
        return api;
    }

    public static async Task<Results<Created<SweepAccepted>, ValidationProblem, ProblemHttpResult>> CreateSweep(
        HttpRequest request, IGrainFactory grains, SpecCheck specs, ResiliencePipelineProvider<string> pipelines, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(request, MaxSpecBytes, errors, ct);
        if (body is not null && YamlSpec.LooksLikeYaml(body)) body = YamlSpec.ToJson(body, errors); // stored and expanded as JSON from here on
        var idempotencyKey = request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 200) errors.Add("Idempotency-Key", "must be at most 200 characters");
        if (body is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var owner = ApiKeys.OwnerOf(request.HttpContext.User);
        var sweepId = idempotencyKey.Length > 0 ? SweepIdFor(owner, idempotencyKey) : Guid.CreateVersion7();
        if (await specs.RunAsync(body, sweepId, errors, ct) is null)
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The sweep spec is invalid");

        var submission = await pipelines.GetPipeline(OrchestratorResilience.IdempotentGrainCall)
            .RunAsync($"Submitting sweep {sweepId}", _ => grains.GetGrain<ISweepGrain>(sweepId).SubmitAsync(body, owner));
        if (submission.ConflictingSpec)
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused with a different spec",
                detail: $"this Idempotency-Key already submitted sweep {sweepId} with another spec; send a new key for a new study",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["Idempotency-Key"] = ["was already used with a different spec"] } });
        return TypedResults.Created($"/api/sweeps/{sweepId}", submission.Sweep);
    }

    public static async Task<Results<Ok<SweepPreview>, ValidationProblem>> PreviewSweep(
        HttpRequest request, IGrainFactory grains, SpecCheck specs, IConfiguration configuration, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(request, MaxSpecBytes, errors, ct);
        if (body is not null && YamlSpec.LooksLikeYaml(body)) body = YamlSpec.ToJson(body, errors);
        var check = body is null || !errors.IsEmpty ? null : await specs.RunAsync(body, Guid.Empty, errors, ct);
        if (check is null) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The sweep spec is invalid");
        var slots = (await grains.GetGrain<ScaleLab.Scheduling.ISchedulerGrain>(ScaleLab.Scheduling.ISchedulerGrain.Default).GetSnapshotAsync()).Slots;
        var gpu = slots.Any(s => s.Slot.DeviceKind == ScaleLab.Scheduling.DeviceKinds.Cuda);
        var flopsPerSecond = configuration.GetValue(gpu ? "ScaleLab:GpuFlopsPerSecond" : "ScaleLab:CpuFlopsPerSecond", gpu ? 3e14 : 3e10);
        var preview = SweepPreview.Of(check.Spec, check.Runs, flopsPerSecond, Math.Max(1, slots.Count));
        return TypedResults.Ok(preview with { Warnings = [.. preview.Warnings, .. check.Warnings] });
    }

    public static async Task<Results<Ok<SweepSummary>, NotFound, ProblemHttpResult>> CancelSweep(
        Guid id, IGrainFactory grains, CatalogQueries queries, ResiliencePipelineProvider<string> pipelines, CancellationToken ct)
    {
        if (await queries.GetSweepAsync(id, ct) is not { } sweep) return TypedResults.NotFound();
        if (sweep.Sweep.Kind == StudyKinds.External)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict",
                detail: "an external study's runs train elsewhere: finish them and close the study (POST /api/external/studies/{id}/close)",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["id"] = ["is an external study; close it instead"] } });
        await pipelines.GetPipeline(OrchestratorResilience.IdempotentGrainCall).RunAsync($"Cancelling sweep {id}", _ => grains.GetGrain<ISweepGrain>(id).CancelAsync());
        return TypedResults.Ok((await queries.GetSweepAsync(id, ct))!.Sweep);
    }

    public static async Task<Results<Ok<SweepDetail>, ValidationProblem, NotFound>> AnnotateSweep(
        Guid id, HttpRequest request, SweepStore store, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(request, SweepAnnotations.MaxNotesLength * 4 + 8 * 1024, errors, ct);
        var change = body is null ? null : JsonBody.Parse<SweepAnnotations>(body, SpecJson.Options, errors, "sweep annotations");
        change?.Validate(errors);
        if (change is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The annotations are invalid");
        if (!await store.AnnotateAsync(id, change, ct)) return TypedResults.NotFound();
        return TypedResults.Ok((await queries.GetSweepAsync(id, ct))!);
    }

    public static async Task<Results<Ok<Page<SweepSummary>>, ValidationProblem>> ListSweeps(
        CatalogQueries queries, string? page, string? pageSize, string? search, string? status, string? kind, string? tag, string? includeArchived,
        string? idPrefix, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var pageNumber = QueryParameters.Int(page, "page", 1, 1_000_000, errors);
        var size = QueryParameters.Int(pageSize, "pageSize", 1, 200, errors);
        SweepStatus? statusFilter = null;
        if (status is not null)
        {
            if (Enum.TryParse<SweepStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _)) statusFilter = parsed;
            else errors.Add("status", $"must be one of: {string.Join(", ", Enum.GetNames<SweepStatus>())}");
        }
        if (kind is not null && !StudyKinds.All.Contains(kind)) errors.Add("kind", $"must be one of: {string.Join(", ", StudyKinds.All)}");
        if (search is { Length: > 120 }) errors.Add("search", "must be at most 120 characters");
        if (search is not null && search.Any(char.IsControl)) errors.Add("search", "must not contain control characters");
        if (tag is not null && !SweepAnnotations.IsValidTag(tag)) errors.Add("tag", SweepAnnotations.TagRule);
        bool? archived = includeArchived switch { null => false, "true" => true, "false" => false, _ => null };
        if (archived is null) errors.Add("includeArchived", "must be true or false");
        var ids = idPrefix is null ? null : IdRange.Of(idPrefix);
        if (idPrefix is not null && ids is null) errors.Add("idPrefix", IdRange.Rule);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(await queries.ListSweepsAsync(pageNumber ?? 1, size ?? 20, search, ct, statusFilter, kind, archived!.Value, tag, ids));
    }

    public static async Task<Results<Ok<SweepDetail>, NotFound>> GetSweep(Guid id, CatalogQueries queries, CancellationToken ct) =>
        await queries.GetSweepAsync(id, ct) is { } sweep ? TypedResults.Ok(sweep) : TypedResults.NotFound();

    public static async Task<Results<Ok<SweepFields>, NotFound>> GetFields(Guid id, CatalogQueries queries, CancellationToken ct) =>
        await queries.GetSweepFieldsAsync(id, ct) is { } fields ? TypedResults.Ok(fields) : TypedResults.NotFound();

    public static async Task<Results<Ok<IReadOnlyList<Analysis.ArmResult>>, NotFound>> GetArms(Guid id, CatalogQueries queries, CancellationToken ct) =>
        await queries.GetScoredRunsAsync(id, ct) is { } runs ? TypedResults.Ok(Analysis.ArmComparison.BestPerArm(runs)) : TypedResults.NotFound();

    /// <summary>
    /// The same Idempotency-Key from the same owner always names the same sweep, so a retried POST cannot create a
    /// second one; keys are scoped to the owner, so two clients' keys never meet.
    /// </summary>
    private static Guid SweepIdFor(string owner, string idempotencyKey) => DeterministicGuid.From($"sweep:{owner}:{idempotencyKey}");
}
