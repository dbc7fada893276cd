using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScaleLab.Catalog;
using ScaleLab.Datasets;
using ScaleLab.Sweeps;

namespace ScaleLab.Cli;

/// <summary>The ScaleLab REST API as the CLI uses it. Problem-details errors become <see cref="ApiException"/> with the field messages.</summary>
public sealed class ApiClient(HttpClient http, string? apiKey)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<SweepAccepted> SubmitAsync(string specJson, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/sweeps")
        {
            Content = new StringContent(specJson, Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, ct);
        return await ReadAsync<SweepAccepted>(response, ct);
    }

    public async Task<SweepPreview> PreviewAsync(string specJson, CancellationToken ct)
    {
        using var content = new StringContent(specJson, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("api/sweeps/preview", content, ct);
        return await ReadAsync<SweepPreview>(response, ct);
    }

    public async Task<SweepSummary> CancelAsync(Guid id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/sweeps/{id}/cancel");
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, ct);
        return await ReadAsync<SweepSummary>(response, ct);
    }

    /// <summary>Fits a law to the finished runs of sweeps (POST /api/fits); the service stores the fit and returns it.</summary>
    public async Task<StoredFit> FitSweepsAsync(SweepFitRequest fit, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/fits")
        {
            Content = new StringContent(JsonSerializer.Serialize(fit, Json), Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, ct);
        return await ReadAsync<StoredFit>(response, ct);
    }

    public async Task<SweepDetail> GetSweepAsync(Guid id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"api/sweeps/{id}", ct);
        return await ReadAsync<SweepDetail>(response, ct);
    }

    public async Task<Page<SweepSummary>> ListSweepsAsync(int page, int pageSize, string? search, CancellationToken ct)
    {
        var query = $"api/sweeps?page={page}&pageSize={pageSize}" + (search is null ? "" : "&search=" + Uri.EscapeDataString(search));
        using var response = await http.GetAsync(query, ct);
        return await ReadAsync<Page<SweepSummary>>(response, ct);
    }

    /// <summary>Registers a data set; the status tells created (201), given tokenizers or re-queued (202) and already so (200) apart.</summary>
    public async Task<(HttpStatusCode Status, DatasetView Dataset)> RegisterDatasetAsync(DatasetRegistration registration, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/datasets")
        {
            Content = new StringContent(JsonSerializer.Serialize(registration, Json), Encoding.UTF8, "application/json"),
        };
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, ct);
        return (response.StatusCode, await ReadAsync<DatasetView>(response, ct));
    }

    public Task<DatasetView> GetDatasetAsync(string name, CancellationToken ct) => GetAsync<DatasetView>($"api/datasets/{Uri.EscapeDataString(name)}", ct);

    public Task<List<DatasetView>> ListDatasetsAsync(CancellationToken ct) => GetAsync<List<DatasetView>>("api/datasets", ct);

    public async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>A mutation (with the API key); <typeparamref name="T"/> = bool for responses without a body.</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, string? json, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (apiKey is not null) request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, ct);
        if (typeof(T) == typeof(bool) && response.IsSuccessStatusCode) return (T)(object)true;
        return await ReadAsync<T>(response, ct);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
        var body = await response.Content.ReadAsStringAsync(ct);
        throw new ApiException((int)response.StatusCode, Describe(body));
    }

    private static string Describe(string problemJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(problemJson);
            var root = doc.RootElement;
            var lines = new List<string> { root.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "" };
            if (root.TryGetProperty("detail", out var d)) lines.Add(d.GetString() ?? "");
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                foreach (var field in errors.EnumerateObject())
                    foreach (var message in field.Value.EnumerateArray())
                        lines.Add($"  {field.Name}: {message.GetString()}");
            return string.Join(Environment.NewLine, lines.Where(l => l.Length > 0));
        }
        catch (JsonException)
        {
            return problemJson;
        }
    }
}

public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
