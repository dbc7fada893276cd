using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ScaleLab.Analysis;
using ScaleLab.Catalog;
using ScaleLab.Datasets;
using ScaleLab.Scheduling;
using ScaleLab.Schedules;
using ScaleLab.Sweeps;

namespace ScaleLab.Client;

/// <summary>
/// The dashboard's one way to the orchestrator: every read and every change goes through the REST API, so a page shows
/// what curl and the CLI get, and a study submitted here is checked by the same code, with the same messages, under
/// the same API key. Reads throw when the API cannot answer (a page's live refresh shows why); changes return the
/// problem details' errors keyed by field.
/// </summary>
public sealed class ScaleLabApi(HttpClient http)
{
    private const string KeyHeader = "X-Api-Key";

    /// <summary>The API's JSON: web casing, enums by name.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <param name="includeArchived">Archived sweeps too (they are left out by default).</param>
    /// <param name="idPrefix">Only sweeps whose id begins with these digits.</param>
    public async Task<Page<SweepSummary>> ListSweepsAsync(int page, int pageSize, string? search = null, SweepStatus? status = null,
        string? tag = null, bool includeArchived = false, IdPrefix? idPrefix = null, CancellationToken ct = default)
    {
        var query = $"api/sweeps?page={page}&pageSize={pageSize}";
        if (!string.IsNullOrWhiteSpace(search)) query += $"&search={Uri.EscapeDataString(search)}";
        if (status is { } s) query += $"&status={s}";
        if (!string.IsNullOrWhiteSpace(tag)) query += $"&tag={Uri.EscapeDataString(tag)}";
        if (includeArchived) query += "&includeArchived=true";
        if (idPrefix is not null) query += $"&idPrefix={idPrefix.Digits}";
        return await GetAsync<Page<SweepSummary>>(query, ct);
    }

    /// <summary>The largest page GET /api/sweeps serves.</summary>
    public const int MaxSweepsPageSize = 200;

    /// <summary>
    /// The sweeps, archived ones too, whose id starts with <paramref name="prefix"/>, newest first: the first
    /// <paramref name="limit"/> of them, and in <see cref="Page{T}.Total"/> how many there are. One call: the API
    /// filters by the prefix.
    /// </summary>
    public Task<Page<SweepSummary>> FindSweepsAsync(IdPrefix prefix, int limit = MaxSweepsPageSize, CancellationToken ct = default) =>
        ListSweepsAsync(1, limit, includeArchived: true, idPrefix: prefix, ct: ct);

    /// <summary>A sweep with all its runs; null when there is no such sweep.</summary>
    public Task<SweepDetail?> GetSweepAsync(Guid id, CancellationToken ct = default) => GetOrNullAsync<SweepDetail>($"api/sweeps/{id}", ct);

    /// <summary>The config fields that vary across a sweep's runs, with each run's values; null when there is no such sweep.</summary>
    public Task<SweepFields?> GetSweepFieldsAsync(Guid sweepId, CancellationToken ct = default) => GetOrNullAsync<SweepFields>($"api/sweeps/{sweepId}/fields", ct);

    /// <summary>Each arm of an ablation at its best learning rate; null when there is no such sweep.</summary>
    public Task<List<ArmResult>?> GetArmsAsync(Guid sweepId, CancellationToken ct = default) => GetOrNullAsync<List<ArmResult>>($"api/sweeps/{sweepId}/arms", ct);

    public Task<RunDetail?> GetRunAsync(Guid id, CancellationToken ct = default) => GetOrNullAsync<RunDetail>($"api/runs/{id}", ct);

    /// <summary>The run's final loss as the annealing law predicts it (null for an unknown run; a view with a reason where none can be made yet).</summary>
    public Task<LossPredictionView?> GetLossPredictionAsync(Guid runId, CancellationToken ct = default) =>
        GetOrNullAsync<LossPredictionView>($"api/runs/{runId}/prediction", ct);

    public Task<MetricSeries> GetMetricAsync(Guid runId, string name, int maxPoints, CancellationToken ct = default) =>
        GetAsync<MetricSeries>($"api/runs/{runId}/metrics/{Uri.EscapeDataString(name)}?maxPoints={maxPoints}", ct);

    /// <summary>One metric of many runs in one call, in the order asked, each downsampled to at most <paramref name="pointsPerRun"/> points.</summary>
    public async Task<IReadOnlyList<MetricSeries>> GetCurvesAsync(IReadOnlyList<Guid> runIds, string metric, int pointsPerRun, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync("api/runs/curves", new CurvesQuery(runIds, metric, pointsPerRun), Json, ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<MetricSeries>>(Json, ct) ?? [];
    }

    /// <summary>The run's log, oldest first; empty when there is no such run.</summary>
    public async Task<IReadOnlyList<RunLogLine>> GetRunLogAsync(Guid runId, CancellationToken ct = default) =>
        await GetOrNullAsync<List<RunLogLine>>($"api/runs/{runId}/logs", ct) ?? [];

    public async Task<IReadOnlyList<RunSummary>> ListFailedRunsAsync(int limit, CancellationToken ct = default) =>
        await GetAsync<List<RunSummary>>($"api/runs/failed?limit={limit}", ct);

    /// <summary>Stored fits, newest first.</summary>
    public Task<Page<FitSummary>> ListFitsAsync(int page, int pageSize, CancellationToken ct = default) =>
        GetAsync<Page<FitSummary>>($"api/fits?page={page}&pageSize={pageSize}", ct);

    /// <summary>Worker slots, what each is training, and the queue.</summary>
    public Task<SchedulerSnapshot> GetWorkersAsync(CancellationToken ct = default) => GetAsync<SchedulerSnapshot>("api/workers", ct);

    /// <summary>
    /// A fit of the finished runs of sweeps that is not stored. Errors of the query or of the fit come back in the
    /// view, keyed by field, beside whatever points were found.
    /// </summary>
    public async Task<ScalingView> PreviewFitAsync(ScalingQuery query, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync("api/fits/preview", query, ScalingViewJson.Options, ct);
        if (response.IsSuccessStatusCode)
            return await response.Content.ReadFromJsonAsync<ScalingView>(ScalingViewJson.Options, ct)
                ?? throw new JsonException("the API answered no fit");
        var problem = await ProblemAsync<ScalingView>(response, ct);
        return new ScalingView([], null, problem.Errors);
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken ct) =>
        await http.GetFromJsonAsync<T>(path, Json, ct) ?? throw new JsonException($"the API answered nothing for {path}");

    private async Task<T?> GetOrNullAsync<T>(string path, CancellationToken ct) where T : class
    {
        using var response = await http.GetAsync(path, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(Json, ct);
    }

    /// <summary>Null when the API accepts the key; otherwise why not, in words.</summary>
    public async Task<string?> CheckKeyAsync(string apiKey)
    {
        try
        {
            using var response = await http.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, "api/me"), apiKey));
            return response.StatusCode switch
            {
                HttpStatusCode.OK => null,
                HttpStatusCode.Unauthorized => "the API does not know this key",
                var other => $"the API answered {(int)other}",
            };
        }
        catch (HttpRequestException ex)
        {
            return $"cannot reach the API: {ex.Message}";
        }
    }

    /// <summary>Expands a spec (JSON or YAML) without running it; needs no key.</summary>
    public Task<ApiResult<SweepPreview>> PreviewAsync(string spec, CancellationToken ct = default) =>
        SendAsync<SweepPreview>(new HttpRequestMessage(HttpMethod.Post, "api/sweeps/preview") { Content = Spec(spec) }, ct);

    /// <param name="idempotencyKey">The same key submits one study however often it is sent (a double click, a retry).</param>
    public Task<ApiResult<SweepAccepted>> SubmitAsync(string spec, string? apiKey, string? idempotencyKey = null, CancellationToken ct = default)
    {
        var request = WithKey(new HttpRequestMessage(HttpMethod.Post, "api/sweeps") { Content = Spec(spec) }, apiKey);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return SendAsync<SweepAccepted>(request, ct);
    }

    public Task<ApiResult<SweepSummary>> CancelSweepAsync(Guid sweepId, string? apiKey, CancellationToken ct = default) =>
        SendAsync<SweepSummary>(WithKey(new HttpRequestMessage(HttpMethod.Post, $"api/sweeps/{sweepId}/cancel"), apiKey), ct);

    /// <summary>Tags, notes or the archived flag of a sweep (PATCH /api/sweeps/{id}); what is left null stays as it is.</summary>
    public Task<ApiResult<SweepDetail>> AnnotateSweepAsync(Guid sweepId, SweepAnnotations change, string? apiKey, CancellationToken ct = default) =>
        SendAsync<SweepDetail>(WithKey(new HttpRequestMessage(HttpMethod.Patch, $"api/sweeps/{sweepId}")
        {
            Content = new StringContent(JsonSerializer.Serialize(change, Json), Encoding.UTF8, "application/json"),
        }, apiKey), ct);

    /// <summary>Fits a law to the finished runs of sweeps and stores the fit (POST /api/fits).</summary>
    public Task<ApiResult<StoredFit>> StoreFitAsync(SweepFitRequest fit, string? apiKey, CancellationToken ct = default) =>
        SendAsync<StoredFit>(WithKey(new HttpRequestMessage(HttpMethod.Post, "api/fits")
        {
            Content = new StringContent(JsonSerializer.Serialize(fit, Json), Encoding.UTF8, "application/json"),
        }, apiKey), ct);

    public async Task<IReadOnlyList<ScheduleView>> ListSchedulesAsync(CancellationToken ct = default) =>
        await GetAsync<List<ScheduleView>>("api/schedules", ct);

    public Task<ApiResult<ScheduleView>> CreateScheduleAsync(string name, string cron, string timeZone, string specJson, string? apiKey, CancellationToken ct = default)
    {
        JsonElement spec;
        try { spec = JsonDocument.Parse(specJson).RootElement; }
        catch (JsonException ex) { return Task.FromResult(ApiResult<ScheduleView>.Invalid("spec", $"not valid JSON: {ex.Message}")); }
        var body = JsonSerializer.Serialize(new { name, cron, timeZone, spec }, Json);
        return SendAsync<ScheduleView>(WithKey(new HttpRequestMessage(HttpMethod.Post, "api/schedules")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }, apiKey), ct);
    }

    public Task<ApiResult<ScheduleView>> SetSchedulePausedAsync(Guid id, bool paused, string? apiKey, CancellationToken ct = default) =>
        SendAsync<ScheduleView>(WithKey(new HttpRequestMessage(HttpMethod.Post, $"api/schedules/{id}/{(paused ? "pause" : "resume")}"), apiKey), ct);

    /// <summary>Fires a schedule now for its latest scheduled time (at most one study per scheduled time).</summary>
    public Task<ApiResult<JsonElement>> TriggerScheduleAsync(Guid id, string? apiKey, CancellationToken ct = default) =>
        SendAsync<JsonElement>(WithKey(new HttpRequestMessage(HttpMethod.Post, $"api/schedules/{id}/trigger"), apiKey), ct);

    public Task<ApiResult<JsonElement>> DeleteScheduleAsync(Guid id, string? apiKey, CancellationToken ct = default) =>
        SendAsync<JsonElement>(WithKey(new HttpRequestMessage(HttpMethod.Delete, $"api/schedules/{id}"), apiKey), ct);

    /// <summary>Registered data sets with their tokenization jobs and statistics; needs no key.</summary>
    public async Task<IReadOnlyList<DatasetView>> ListDatasetsAsync(CancellationToken ct = default) =>
        await GetAsync<List<DatasetView>>("api/datasets", ct);

    /// <summary>A data set with its tokenizations; null when none has this name.</summary>
    public Task<DatasetView?> GetDatasetAsync(string name, CancellationToken ct = default) =>
        GetOrNullAsync<DatasetView>($"api/datasets/{Uri.EscapeDataString(name)}", ct);

    /// <summary>
    /// Registers a data set, or adds tokenizers to one registered with the same data; registering it again unchanged is
    /// a no-op. The status tells them apart: 201 created, 202 tokenizers added or re-queued, 200 already so.
    /// </summary>
    public Task<ApiResult<DatasetView>> RegisterDatasetAsync(DatasetRegistration registration, string? apiKey, CancellationToken ct = default) =>
        SendAsync<DatasetView>(WithKey(new HttpRequestMessage(HttpMethod.Post, "api/datasets")
        {
            Content = new StringContent(JsonSerializer.Serialize(registration, Json), Encoding.UTF8, "application/json"),
        }, apiKey), ct);

    private static StringContent Spec(string spec) =>
        new(spec, Encoding.UTF8, YamlSpec.LooksLikeYaml(spec) ? "application/yaml" : "application/json");

    /// <summary>Adds the API key (mutations need one; without it the API answers 401, which the result reports).</summary>
    private static HttpRequestMessage WithKey(HttpRequestMessage request, string? apiKey)
    {
        if (apiKey is not null) request.Headers.Add(KeyHeader, apiKey);
        return request;
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken ct = default)
    {
        try
        {
            using (request)
            using (var response = await http.SendAsync(request, ct))
            {
                if (response.IsSuccessStatusCode)
                {
                    var value = response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0
                        ? default
                        : await response.Content.ReadFromJsonAsync<T>(Json, ct);
                    return new ApiResult<T>(value, ApiResult<T>.NoErrors, null) { Status = response.StatusCode };
                }
                return await ProblemAsync<T>(response, ct);
            }
        }
        catch (HttpRequestException ex)
        {
            return ApiResult<T>.Invalid("api", $"cannot reach the API: {ex.Message}");
        }
    }

    /// <summary>RFC 7807 problem details: the per-field errors when there are any, else the title or detail.</summary>
    private static async Task<ApiResult<T>> ProblemAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? title = null;
        if (response.Content.Headers.ContentType?.MediaType is { } media && media.Contains("json"))
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (problem.ValueKind == JsonValueKind.Object)
            {
                title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
                if (problem.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                    foreach (var field in e.EnumerateObject())
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray()
                            : [field.Value.ToString()];
                if (errors.Count == 0 && problem.TryGetProperty("detail", out var d)) errors["request"] = [d.GetString() ?? ""];
            }
        }
        if (errors.Count == 0) errors["request"] = [$"the API answered {(int)response.StatusCode} {response.ReasonPhrase}"];
        return new ApiResult<T>(default, errors, title) { Status = response.StatusCode };
    }
}

/// <summary>What the API answered: a value, or the errors of its problem details keyed by field.</summary>
public sealed record ApiResult<T>(T? Value, IReadOnlyDictionary<string, string[]> Errors, string? Title)
{
    public static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>The HTTP status; null when the API could not be reached.</summary>
    public HttpStatusCode? Status { get; init; }

    public bool Succeeded => Errors.Count == 0;

    public static ApiResult<T> Invalid(string field, string message) => new(default, new Dictionary<string, string[]> { [field] = [message] }, null);

    /// <summary>
    /// The value, for callers that stop at the first refusal (the CLI): a refusal throws <see cref="ApiException"/> with
    /// the title and every field's messages; an unreachable API throws <see cref="HttpRequestException"/>.
    /// </summary>
    public T OrThrow()
    {
        if (Succeeded) return Value!;
        var messages = Errors.SelectMany(e => e.Value.Select(m => $"  {e.Key}: {m}"));
        if (Status is not { } status) throw new HttpRequestException(string.Join("; ", Errors.SelectMany(e => e.Value)));
        throw new ApiException((int)status, string.Join(Environment.NewLine, new[] { Title ?? "" }.Concat(messages).Where(l => l.Length > 0)));
    }
}

/// <summary>The API refused a request: its status, and the problem details in words.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
