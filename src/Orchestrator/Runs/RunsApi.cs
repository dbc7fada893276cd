using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Catalog;
using ScaleLab.Orchestrator.Catalog;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Runs;

public static partial class RunsApi
{
    /// <summary>What a metric may be called: the rule every read and write of metrics checks.</summary>
    [GeneratedRegex(@"^[a-z][a-z0-9_/]{0,63}\z")]
    internal static partial Regex MetricName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex ArtifactName();

    /// <summary>5,000 run ids written out: about 200 KB.</summary>
    private const int MaxCurvesQueryBytes = 256 * 1024;

    private static readonly System.Text.Json.JsonSerializerOptions Json = ScaleLab.Sweeps.SpecJson.Options;

    /// <summary>Checkpoints and other artifacts are stored as blob runs/{runId}/{file} in this container.</summary>
    public const string ArtifactContainer = "checkpoints";

    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/runs").WithTags("Runs");
        api.MapPost("/curves", GetCurves).WithName("GetRunCurves")
            .WithSummary("One metric of many runs in one call (a sweep's curves), each downsampled to at most pointsPerRun points")
            .Accepts<CurvesQuery>("application/json");
        api.MapGet("/failed", ListFailedRuns).WithName("ListFailedRuns").WithSummary("The latest failed runs, newest first");
        api.MapGet("/{id:guid}", GetRun).WithName("GetRun").WithSummary("A run: status, accounting, config, artifacts and the metrics it has");
        api.MapGet("/{id:guid}/metrics/{name}", GetMetric).WithName("GetRunMetric")
            .WithSummary("One metric's curve, downsampled to at most maxPoints points");
        api.MapGet("/{id:guid}/prediction", GetPrediction).WithName("GetRunLossPrediction")
            .WithSummary("The run's final training loss predicted by the annealing law from its curve so far and its finished siblings, with a 90% interval");
        api.MapGet("/{id:guid}/logs", GetLogs).WithName("GetRunLogs")
            .WithSummary("The run's log: assignments, starts and resumes, checkpoints, re-queues and why, the outcome");
        api.MapGet("/{id:guid}/artifacts/{name}", DownloadArtifact).WithName("DownloadRunArtifact")
            .WithSummary("Download an artifact of the run (e.g. checkpoint-final) by its name");
        return api;
    }

    public static async Task<Results<Ok<RunDetail>, NotFound>> GetRun(Guid id, CatalogQueries queries, CancellationToken ct) =>
        await queries.GetRunAsync(id, ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound();

    public static async Task<Results<Ok<LossPredictionView>, NotFound>> GetPrediction(Guid id, LossPredictions predictions, CancellationToken ct) =>
        await predictions.PredictAsync(id, ct) is { } prediction ? TypedResults.Ok(prediction) : TypedResults.NotFound();

    public static async Task<Results<Ok<MetricSeries>, ValidationProblem>> GetMetric(
        Guid id, string name, string? maxPoints, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!MetricName().IsMatch(name)) errors.Add("name", "must be a metric name such as loss or val_loss");
        var points = QueryParameters.Int(maxPoints, "maxPoints", 2, 10_000, errors);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(await queries.GetMetricAsync(id, name, points ?? 1000, ct));
    }

    /// <summary>Runs this query names but that do not exist get an empty curve, as runs that logged nothing yet do.</summary>
    public static async Task<Results<Ok<IReadOnlyList<MetricSeries>>, ValidationProblem>> GetCurves(HttpRequest http, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(http, MaxCurvesQueryBytes, errors, ct);
        var query = body is null ? null : JsonBody.Parse<CurvesQuery>(body, Json, errors, "curves query");
        if (query is not null)
        {
            if (query.RunIds is null || query.RunIds.Count == 0) errors.Add("runIds", "name at least one run");
            else if (query.RunIds.Count > CurvesQuery.MaxRuns) errors.Add("runIds", $"at most {CurvesQuery.MaxRuns} runs per call");
            if (query.Metric is null || !MetricName().IsMatch(query.Metric)) errors.Add("metric", "must be a metric name such as loss or val_loss");
            if (query.PointsPerRun is < 2 or > 10_000) errors.Add("pointsPerRun", "must be between 2 and 10000");
        }
        if (query is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The curves query is invalid");
        return TypedResults.Ok(await queries.GetMetricsAsync(query.RunIds!, query.Metric!, query.PointsPerRun, ct));
    }

    public static async Task<Results<Ok<IReadOnlyList<RunSummary>>, ValidationProblem>> ListFailedRuns(string? limit, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var count = QueryParameters.Int(limit, "limit", 1, 100, errors);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(await queries.GetRecentFailuresAsync(count ?? 10, ct));
    }

    public static async Task<Results<Ok<IReadOnlyList<RunLogLine>>, NotFound>> GetLogs(Guid id, CatalogQueries queries, CancellationToken ct) =>
        await queries.GetRunLogAsync(id, ct) is { } lines ? TypedResults.Ok(lines) : TypedResults.NotFound();

    /// <summary>
    /// The name must be one of the run's artifact records (never a path): the blob is found from the record, so no
    /// name can reach another run's files or leave the run's folder.
    /// </summary>
    public static async Task<Results<FileStreamHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> DownloadArtifact(
        Guid id, string name, IDbContextFactory<ScaleLabDb> dbs, IServiceProvider services, CancellationToken ct)
    {
        if (!ArtifactName().IsMatch(name))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["must be an artifact name such as checkpoint-final"] });
        await using var db = await dbs.CreateDbContextAsync(ct);
        var artifact = await db.Artifacts.AsNoTracking().SingleOrDefaultAsync(a => a.RunId == id && a.Name == name, ct);
        if (artifact is null) return TypedResults.NotFound();
        if (services.GetService<BlobServiceClient>() is not { } blobs)
            return TypedResults.Problem("blob storage is not configured (ConnectionStrings:Blobs)", statusCode: StatusCodes.Status503ServiceUnavailable);
        var file = artifact.Uri.Split('/')[^1];
        var blob = blobs.GetBlobContainerClient(ArtifactContainer).GetBlobClient($"runs/{id}/{file}");
        try
        {
            var download = await blob.OpenReadAsync(cancellationToken: ct);
            return TypedResults.File(download, "application/octet-stream", $"{id}-{file}");
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return TypedResults.NotFound();
        }
    }
}
