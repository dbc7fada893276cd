using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Scaling;

public static class FitsApi
{
    public const int MaxBodyBytes = 8 * 1024 * 1024;
    private const int MaxPreviewBytes = 64 * 1024;
    /// <summary>Bootstrap refits an API call may ask for (the CLI has no such cap).</summary>
    public const int MaxBootstrap = 5000;

    private static readonly JsonSerializerOptions Json = new(SpecJson.Options)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static RouteGroupBuilder MapFitsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/fits").WithTags("Scaling laws");
        api.MapPost("/", CreateFit).WithName("CreateFit")
            .WithSummary("Fit a scaling law to points or to the finished runs of sweeps; the fit is stored with its inputs")
            .RequireAuthorization(ApiKeyAuthentication.MutationsPolicy).RequireRateLimiting(RateLimits.Fits)
            .Accepts<FitRequest>("application/json", "text/csv");
        api.MapPost("/preview", PreviewFit).WithName("PreviewFit")
            .WithSummary("Fit a law to the finished runs of sweeps without storing it: the points and the full typed result, for interactive pages")
            .RequireRateLimiting(RateLimits.Fits).Accepts<ScaleLab.Catalog.ScalingQuery>("application/json");
        api.MapGet("/", ListFits).WithName("ListFits").WithSummary("Stored fits, newest first, with paging: law, points, groups and the sweeps fitted");
        api.MapGet("/{id:guid}", GetFit).WithName("GetFit").WithSummary("A stored fit with its inputs");
        return api;
    }

    public static async Task<Results<Created<JsonObject>, ValidationProblem, ProblemHttpResult>> CreateFit(
        HttpRequest http, SweepPoints sweepPoints, FitRunner fitter, FitStore fits, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(http, MaxBodyBytes, errors, ct);
        var request = body is null ? null
            : IsCsv(http) ? FromCsv(body, http.Query, errors)
            : Parse(body, errors);
        if (request is null) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The fit request is invalid");

        if ((request.Points is null) == (request.SweepIds is null)) errors.Add("points", "give either points or sweepIds, not both or neither");
        if (request.Bootstrap > MaxBootstrap) errors.Add("bootstrap", $"at most {MaxBootstrap} refits per API call; use the CLI for more");
        if (request.SweepIds is { Count: > 100 }) errors.Add("sweepIds", "at most 100 sweeps per fit");
        ScaleLab.Catalog.ScalingQuery.ValidateGroupBy(request.GroupBy, errors);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The fit request is invalid");

        IReadOnlyList<ScalingPoint> points;
        var compute = request.Compute;
        if (request.Points is not null)
        {
            points = request.Points.Select(p => new ScalingPoint(p.N, p.D, p.Loss, p.Flops, p.Group, p.Epochs)).ToList();
        }
        else
        {
            var loaded = await sweepPoints.LoadAsync(request.SweepIds!, request.GroupBy, errors, ct);
            foreach (var id in loaded.Missing) errors.Add("sweepIds", $"no sweep {id}");
            points = loaded.Points;
            compute = loaded.Accounting.Compute; // the sweeps' own convention
        }
        var options = new FitOptions
        {
            Compute = compute,
            Law = request.Law, Bootstrap = request.Bootstrap, Seed = request.Seed, TargetCompute = request.TargetCompute,
            Confidence = request.Confidence, Delta = request.Delta, IrreducibleLoss = request.IrreducibleLoss, FrontierOnly = request.FrontierOnly,
        };
        var outcome = errors.IsEmpty ? await fitter.RunAsync(points, options, errors, ct) : null;
        if (outcome is { Busy: true }) return RateLimits.TooManyRequests(http.HttpContext, errors.ToString(), fitter.QueueWait);
        if (outcome?.Result is not { } result) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "These points cannot be fitted");

        var inputs = JsonSerializer.Serialize(new { request = IsCsv(http) ? (JsonNode?)JsonValue.Create(body) : JsonNode.Parse(body!), points }, Json);
        var record = await fits.AddAsync(request.Law, inputs, result, ct);
        return TypedResults.Created($"/api/fits/{record.Id}", View(record));
    }

    /// <summary>
    /// The dashboard's fits: bounded (<see cref="ScaleLab.Catalog.ScalingQuery.MaxBootstrap"/> refits) so a page answers
    /// in seconds, and sharing the fitter's bounded queue with stored fits. A query that is invalid is a 400; points
    /// that cannot be fitted are a 200 whose errors say why, beside the points, which a page still shows.
    /// </summary>
    public static async Task<Results<JsonHttpResult<ScaleLab.Catalog.ScalingView>, ValidationProblem, ProblemHttpResult>> PreviewFit(
        HttpRequest http, SweepPoints sweepPoints, FitRunner fitter, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var body = await RequestBody.ReadUtf8Async(http, MaxPreviewBytes, errors, ct);
        var query = body is null ? null : JsonBody.Parse<ScaleLab.Catalog.ScalingQuery>(body, Json, errors, "fit query");
        if (query is not null && query.SweepIds is null) errors.Add("sweepIds", "pick at least one sweep");
        else query?.Validate(errors);
        if (query is null || !errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The fit query is invalid");

        var (points, missing, accounting) = await sweepPoints.LoadAsync(query.SweepIds!, query.GroupBy, errors, ct);
        foreach (var id in missing) errors.Add("sweepIds", $"no sweep {id}");
        var options = new FitOptions
        {
            Compute = accounting.Compute,
            Law = query.Law, Bootstrap = query.Bootstrap, TargetCompute = query.TargetCompute, Confidence = query.Confidence,
        };
        var outcome = errors.IsEmpty ? await fitter.RunAsync(points, options, errors, ct) : null;
        if (outcome is { Busy: true }) return RateLimits.TooManyRequests(http.HttpContext, errors.ToString(), fitter.QueueWait);
        return TypedResults.Json(new ScaleLab.Catalog.ScalingView(points, outcome?.Result, errors.ToDictionary()), ScaleLab.Catalog.ScalingViewJson.Options);
    }

    public static async Task<Results<Ok<ScaleLab.Catalog.Page<ScaleLab.Catalog.FitSummary>>, ValidationProblem>> ListFits(
        string? page, string? pageSize, FitStore fits, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var pageNumber = QueryParameters.Int(page, "page", 1, 1_000_000, errors) ?? 1;
        var size = QueryParameters.Int(pageSize, "pageSize", 1, 200, errors) ?? 20;
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(await fits.ListAsync(pageNumber, size, ct));
    }

    public static async Task<Results<Ok<JsonObject>, NotFound>> GetFit(Guid id, FitStore fits, CancellationToken ct) =>
        await fits.GetAsync(id, ct) is { } record ? TypedResults.Ok(View(record)) : TypedResults.NotFound();

    private static JsonObject View(FitRecord r) => new()
    {
        ["id"] = r.Id, ["law"] = r.Law, ["createdAt"] = r.CreatedAt,
        ["result"] = JsonNode.Parse(r.ResultJson), ["inputs"] = JsonNode.Parse(r.InputsJson),
    };

    private static bool IsCsv(HttpRequest http) =>
        http.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>An uploaded CSV (columns n, d, loss, optional flops, group) with the options in the query string.</summary>
    private static FitRequest? FromCsv(string body, IQueryCollection query, ValidationErrors errors)
    {
        var points = ScalingCsv.Read(new StringReader(body), errors);
        var known = new HashSet<string>(["law", "bootstrap", "seed", "targetCompute", "confidence", "delta", "irreducibleLoss", "frontierOnly", "compute"], StringComparer.Ordinal);
        foreach (var key in query.Keys.Where(k => !known.Contains(k))) errors.Add(key, $"unknown option; known: {string.Join(", ", known)}");
        T Get<T>(string key, T fallback, TryParse<T> parse)
        {
            if (!query.TryGetValue(key, out var raw)) return fallback;
            if (parse(raw.ToString(), out var value)) return value;
            errors.Add(key, $"'{raw}' is not valid");
            return fallback;
        }
        static bool Double(string s, out double v) => double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out v);
        var request = new FitRequest
        {
            Law = Get("law", FitLaw.Chinchilla, (string s, out FitLaw v) => Enum.TryParse(s, ignoreCase: true, out v) && Enum.IsDefined(v)),
            Bootstrap = Get("bootstrap", 0, int.TryParse),
            Seed = Get("seed", 1, int.TryParse),
            TargetCompute = Get<double?>("targetCompute", null, (string s, out double? v) => { var ok = Double(s, out var d); v = d; return ok; }),
            Confidence = Get("confidence", 0.95, Double),
            Delta = Get("delta", ChinchillaFitter.DefaultDelta, Double),
            IrreducibleLoss = Get("irreducibleLoss", true, bool.TryParse),
            FrontierOnly = Get("frontierOnly", true, bool.TryParse),
            Compute = Get("compute", ComputeConvention.Exact, (string s, out ComputeConvention v) => FlopAccounting.ComputeNames.TryGetValue(s, out v)),
            Points = points.Select(p => new FitPoint(p.N, p.D, p.Loss, p.Flops, p.Group)).ToList(),
        };
        return errors.IsEmpty ? request : null;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static FitRequest? Parse(string body, ValidationErrors errors) => JsonBody.Parse<FitRequest>(body, Json, errors, "fit request");
}
