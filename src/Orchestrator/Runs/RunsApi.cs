using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using ScaleLab.Catalog;
using ScaleLab.Orchestrator.Catalog;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Runs;

public static partial class RunsApi
{
    [GeneratedRegex("^[a-z][a-z0-9_/]{0,63}$")]
    private static partial Regex MetricName();

    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/runs").WithTags("Runs");
        api.MapGet("/{id:guid}", GetRun).WithName("GetRun").WithSummary("A run: status, accounting, config, artifacts and the metrics it has");
        api.MapGet("/{id:guid}/metrics/{name}", GetMetric).WithName("GetRunMetric")
            .WithSummary("One metric's curve, downsampled to at most maxPoints points");
        return api;
    }

    public static async Task<Results<Ok<RunDetail>, NotFound>> GetRun(Guid id, CatalogQueries queries, CancellationToken ct) =>
        await queries.GetRunAsync(id, ct) is { } run ? TypedResults.Ok(run) : TypedResults.NotFound();

    public static async Task<Results<Ok<MetricSeries>, ValidationProblem>> GetMetric(
        Guid id, string name, int? maxPoints, CatalogQueries queries, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!MetricName().IsMatch(name)) errors.Add("name", "must be a metric name such as loss or val_loss");
        if (maxPoints is < 2 or > 10_000) errors.Add("maxPoints", "must be between 2 and 10000");
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(await queries.GetMetricAsync(id, name, maxPoints ?? 1000, ct));
    }
}
