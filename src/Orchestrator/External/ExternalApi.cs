using Microsoft.AspNetCore.Http.HttpResults;
using ScaleLab.Catalog;
using ScaleLab.External;
using ScaleLab.Orchestrator.Catalog;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.External;

/// <summary>
/// Runs trained elsewhere, logged over REST (<see cref="ExternalStudies"/>): open a study, add runs with their N, D and
/// compute, send their metrics, finish them, close the study. Their studies are sweeps of kind "external", so fits,
/// the runs table and the charts take them as they take ScaleLab's own. The Python client in clients/python wraps it.
/// </summary>
public static class ExternalApi
{
    private const int MaxSmallBodyBytes = 64 * 1024;

    /// <summary>10,000 points at about 150 bytes each, with room.</summary>
    private const int MaxMetricsBytes = 2 * 1024 * 1024;

    private const int MaxErrorLength = 4000;

    public static RouteGroupBuilder MapExternalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/external").WithTags("External runs").RequireAuthorization(ApiKeyAuthentication.MutationsPolicy);
        api.MapPost("/studies", OpenStudy).WithName("OpenExternalStudy")
            .WithSummary("Open a study of runs trained elsewhere (the same name again returns the same study)").Accepts<ExternalStudyRequest>("application/json");
        api.MapPost("/studies/{id:guid}/runs", AddRun).WithName("AddExternalRun")
            .WithSummary("Add a run with its N, D and compute (the same name again returns the same run)").Accepts<ExternalRunRequest>("application/json");
        api.MapPost("/runs/{id:guid}/metrics", WriteMetrics).WithName("WriteExternalMetrics")
            .WithSummary($"Store up to {ExternalStudies.MaxPointsPerCall} metric points of an open run, keyed (name, step): sending a point again replaces it")
            .Accepts<ExternalMetricsRequest>("application/json");
        api.MapPost("/runs/{id:guid}/finish", FinishRun).WithName("FinishExternalRun")
            .WithSummary("Finish a run as succeeded (with its final loss) or failed").Accepts<ExternalFinishRequest>("application/json");
        api.MapPost("/studies/{id:guid}/close", CloseStudy).WithName("CloseExternalStudy")
            .WithSummary("Close a study whose runs have all finished");
        return api;
    }

    public static async Task<Results<Created<SweepSummary>, Ok<SweepSummary>, ValidationProblem, ProblemHttpResult>> OpenStudy(
        HttpRequest http, ExternalStore store, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(http, MaxSmallBodyBytes, errors, ct);
        var request = body is null ? null : JsonBody.Parse<ExternalStudyRequest>(body, SpecJson.Options, errors, "external study");
        CheckName(request?.Name, errors);
        var accounting = request?.Accounting is { } section ? SweepSpecParser.ReadAccounting(section, errors) : FlopAccounting.Default;
        if (request is null || accounting is null || !errors.IsEmpty)
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The external study is invalid");

        var (outcome, id) = await store.OpenStudyAsync(ApiKeys.OwnerOf(http.HttpContext.User), request.Name!, accounting, ct);
        if (outcome == ExternalStore.Outcome.Conflict)
            return Conflict("accounting", $"study '{request.Name}' is already open with another accounting; use another name for another accounting");
        var study = (await queries.GetSweepAsync(id, ct))!.Sweep;
        return outcome == ExternalStore.Outcome.Created ? TypedResults.Created($"/api/sweeps/{id}", study) : TypedResults.Ok(study);
    }

    public static async Task<Results<Created<RunSummary>, Ok<RunSummary>, ValidationProblem, ProblemHttpResult, NotFound>> AddRun(
        Guid id, HttpRequest http, ExternalStore store, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(http, MaxSmallBodyBytes, errors, ct);
        var request = body is null ? null : JsonBody.Parse<ExternalRunRequest>(body, SpecJson.Options, errors, "external run");
        if (request is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The external run is invalid");
        if (await store.AccountingAsync(id, ct) is not { } accounting) return TypedResults.NotFound();

        CheckName(request.Name, errors);
        var n = Count(request.NonEmbeddingParameters, "nonEmbeddingParameters", ExternalStudies.MaxParameters, errors, required: true);
        var countsAll = accounting.Parameters == ParameterCount.Total;
        var total = Count(request.TotalParameters, "totalParameters", ExternalStudies.MaxParameters, errors, required: countsAll) ?? n;
        if (n is not null && total < n) errors.Add("totalParameters", "must be at least nonEmbeddingParameters");
        var tokens = Count(request.Tokens, "tokens", ExternalStudies.MaxTokens, errors, required: true);
        if (request.Flops is { } f && !(double.IsFinite(f) && f > 0 && f <= 1e35)) errors.Add("flops", "must be a positive number of FLOPs, at most 1e35");
        if (request.Flops is null && accounting.Compute == ComputeConvention.Exact)
            errors.Add("flops", "is required: this study counts compute exactly (open it with accounting.compute \"6ND\" to have C = 6·N·D)");
        if (request.Flops is not null && accounting.Compute == ComputeConvention.SixND)
            errors.Add("flops", "must be left out: this study counts compute as 6·N·D, and one study counts one way");
        var configJson = request.Config is { } config && JsonBody.Parse<RunConfig>(config.ToJsonString(), SpecJson.Options, errors, "run config", "config.") is not null
            ? config.ToJsonString() : "{}";
        if (configJson.Contains("\\u0000", StringComparison.Ordinal)) errors.Add("config", "must not contain NUL characters");
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The external run is invalid");

        var counted = countsAll ? total!.Value : n!.Value;
        var flops = request.Flops ?? 6.0 * counted * tokens!.Value;
        var (outcome, runId) = await store.AddRunAsync(id, request.Name!, n!.Value, total!.Value, tokens!.Value, flops, configJson, ct);
        switch (outcome)
        {
            case ExternalStore.Outcome.NotFound: return TypedResults.NotFound();
            case ExternalStore.Outcome.Closed: return Conflict("id", "this study is closed; open a new one for more runs");
            case ExternalStore.Outcome.Conflict: return Conflict("name", $"run '{request.Name}' already exists in this study with other N, D or FLOPs");
        }
        var run = (await queries.GetRunAsync(runId, ct))!.Run;
        return outcome == ExternalStore.Outcome.Created ? TypedResults.Created($"/api/runs/{runId}", run) : TypedResults.Ok(run);
    }

    public static async Task<Results<Ok<ExternalMetricsAccepted>, ValidationProblem, ProblemHttpResult, NotFound>> WriteMetrics(
        Guid id, HttpRequest http, ExternalStore store, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(http, MaxMetricsBytes, errors, ct);
        var request = body is null ? null : JsonBody.Parse<ExternalMetricsRequest>(body, SpecJson.Options, errors, "metrics");
        var points = request?.Points;
        if (request is not null && (points is null || points.Count == 0)) errors.Add("points", "send at least one point");
        else if (points is not null && points.Count > ExternalStudies.MaxPointsPerCall) errors.Add("points", $"at most {ExternalStudies.MaxPointsPerCall} points per call");
        else if (points is not null)
            // The first 20 bad points are named; a batch with more is refused all the same.
            for (int i = 0, bad = 0; i < points.Count && bad < 20; i++) bad += CheckPoint(points[i], $"points[{i}]", errors) ? 0 : 1;
        // What the store reads below is all checked: every point is an object with a name, a step and a value.
        if (points is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The metrics are invalid");

        return await store.WriteMetricsAsync(id, points, ct) switch
        {
            ExternalStore.Outcome.NotFound => TypedResults.NotFound(),
            ExternalStore.Outcome.Closed => Conflict("id", "this run has finished; it takes no more metrics"),
            _ => TypedResults.Ok(new ExternalMetricsAccepted(points.DistinctBy(p => (p!.Name, p.Step)).Count())),
        };
    }

    public static async Task<Results<Ok<RunSummary>, ValidationProblem, ProblemHttpResult, NotFound>> FinishRun(
        Guid id, HttpRequest http, ExternalStore store, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(http, MaxSmallBodyBytes, errors, ct);
        var request = body is null ? null : JsonBody.Parse<ExternalFinishRequest>(body, SpecJson.Options, errors, "finish");
        RunStatus? status = request?.Status switch { "succeeded" => RunStatus.Succeeded, "failed" => RunStatus.Failed, _ => null };
        if (request is not null && status is null) errors.Add("status", "must be \"succeeded\" or \"failed\"");
        if (request is not null)
        {
            Loss(request.FinalLoss, "finalLoss", errors);
            Loss(request.FinalValLoss, "finalValLoss", errors);
            if (status == RunStatus.Succeeded && request.FinalLoss is null && request.FinalValLoss is null)
                errors.Add("finalLoss", "a succeeded run needs finalLoss or finalValLoss: it is the number fits use");
            Count(request.Tokens, "tokens", ExternalStudies.MaxTokens, errors, required: false);
            if (request.WallClockSeconds is { } s && !(double.IsFinite(s) && s >= 0)) errors.Add("wallClockSeconds", "must be a number of seconds, 0 or more");
            if (request.Error is { Length: > MaxErrorLength }) errors.Add("error", $"must be at most {MaxErrorLength} characters");
            else if (request.Error?.Contains('\0') == true) errors.Add("error", "must not contain NUL characters");
        }
        if (request is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The finish request is invalid");

        switch (await store.FinishRunAsync(id, status!.Value, request, ct))
        {
            case ExternalStore.Outcome.NotFound: return TypedResults.NotFound();
            case ExternalStore.Outcome.Conflict: return Conflict("status", "this run already finished with another status");
        }
        return TypedResults.Ok((await queries.GetRunAsync(id, ct))!.Run);
    }

    public static async Task<Results<Ok<SweepSummary>, ProblemHttpResult, NotFound>> CloseStudy(
        Guid id, ExternalStore store, CatalogQueries queries, CancellationToken ct)
    {
        var (outcome, open) = await store.CloseStudyAsync(id, ct);
        if (outcome == ExternalStore.Outcome.NotFound) return TypedResults.NotFound();
        if (outcome == ExternalStore.Outcome.Conflict) return Conflict("id", $"{open} run(s) of this study have not finished; finish them first");
        return TypedResults.Ok((await queries.GetSweepAsync(id, ct))!.Sweep);
    }

    private static void CheckName(string? name, ValidationErrors errors)
    {
        if (name is null || !SweepSpecParser.IsValidName(name)) errors.Add("name", SweepSpecParser.NameRule);
    }

    private static long? Count(long? value, string field, long max, ValidationErrors errors, bool required)
    {
        if (value is null)
        {
            if (required) errors.Add(field, "is required");
            return null;
        }
        if (value < 1 || value > max) errors.Add(field, $"must be between 1 and {max:0.#e+0}");
        return value;
    }

    private static void Loss(double? value, string field, ValidationErrors errors)
    {
        if (value is { } v && !(double.IsFinite(v) && v > 0)) errors.Add(field, "must be a positive, finite loss");
    }

    /// <returns>Whether the point is valid.</returns>
    private static bool CheckPoint(ExternalMetricPoint? point, string at, ValidationErrors errors)
    {
        if (point is null)
        {
            errors.Add(at, "must be a point: {\"step\", \"name\", \"value\"}");
            return false;
        }
        var ok = true;
        void Refuse(string field, string message)
        {
            errors.Add($"{at}.{field}", message);
            ok = false;
        }
        if (point.Name is null || !RunsApi.MetricName().IsMatch(point.Name)) Refuse("name", "must be a metric name such as loss or val_loss");
        if (point.Step is not >= 0) Refuse("step", point.Step is null ? "is required" : "must be 0 or more");
        if (point.Value is not { } value || !double.IsFinite(value)) Refuse("value", point.Value is null ? "is required" : "must be a finite number");
        if (point.Tokens is < 0 or > ExternalStudies.MaxTokens) Refuse("tokens", $"must be between 0 and {ExternalStudies.MaxTokens:0.#e+0}");
        if (point.Flops is { } f && !(double.IsFinite(f) && f >= 0)) Refuse("flops", "must be a finite number, 0 or more");
        if (point.Seconds is { } s && !(double.IsFinite(s) && s >= 0)) Refuse("seconds", "must be a finite number, 0 or more");
        return ok;
    }

    private static ProblemHttpResult Conflict(string field, string message) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: message,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } });
}
