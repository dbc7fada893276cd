using System.Net;
using System.Text;
using System.Text.Json;
using ScaleLab.Client;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// The REST API as a page's <see cref="ScaleLabApi"/> sees it, answered in memory: each request is recorded (method,
/// path, API key, body) and answered by <paramref name="respond"/>. For component tests; the API's own behaviour is
/// pinned by its tests.
/// </summary>
public sealed class FakeApi(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public sealed record Request(HttpMethod Method, string Path, string? ApiKey, string? Body);

    private readonly List<Request> _requests = [];

    public IReadOnlyList<Request> Requests { get { lock (_requests) return [.. _requests]; } }

    public ScaleLabApi Client() => new(new HttpClient(this) { BaseAddress = new Uri("http://api.test/") });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        var key = request.Headers.TryGetValues("X-Api-Key", out var keys) ? keys.Single() : null;
        lock (_requests) _requests.Add(new Request(request.Method, request.RequestUri!.AbsolutePath, key, body));
        return respond(request);
    }

    /// <summary>A value as the API writes it (JSON, web casing).</summary>
    public static HttpResponseMessage Json(object value, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), Encoding.UTF8, "application/json") };

    /// <summary>A 400 validation problem with errors keyed by field, as TypedResults.ValidationProblem writes it.</summary>
    public static HttpResponseMessage ValidationProblem(string title, Dictionary<string, string[]> errors) =>
        new(HttpStatusCode.BadRequest)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { type = "https://tools.ietf.org/html/rfc9110#section-15.5.1", title, status = 400, errors },
                JsonSerializerOptions.Web), Encoding.UTF8, "application/problem+json"),
        };
}
