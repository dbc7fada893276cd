using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScaleLab.Orchestrator.Scaling;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// Refusals across the API are RFC 7807 problem details (application/problem+json with type, title and status),
/// validation problems naming each bad field, checked on the in-process orchestrator.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ProblemDetailsInProcessTests(ClusterFixture cluster) : IAsyncLifetime
{
    private InProcessOrchestrator _host = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _host = await cluster.InProcessAsync();
        _api = _host.CreateApiClient(ClusterFixture.ApiKey);
    }

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_refused_sweep_spec_names_the_field()
    {
        using var response = await _api.PostAsync("api/sweeps", Json("""{"name":"refused","base":{"dModel":-5}}"""));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        ProblemDetailsShape.AssertValidationProblem(problem, "The sweep spec is invalid", "base.dModel");
    }

    [Fact]
    public async Task A_refused_fit_names_every_bad_field_and_stores_nothing()
    {
        var fits = _host.Get<FitStore>();
        var before = (await fits.ListAsync(1, 1, default)).Total;

        using var response = await _api.PostAsync("api/fits", Json($$"""{"law":"chinchilla","bootstrap":{{FitsApi.MaxBootstrap + 1}}}"""));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        ProblemDetailsShape.AssertValidationProblem(problem, "The fit request is invalid", "bootstrap", "points");
        Assert.Equal(before, (await fits.ListAsync(1, 1, default)).Total);
    }

    [Fact]
    public async Task A_change_without_an_api_key_is_401_naming_the_header()
    {
        using var anonymous = _host.CreateApiClient(apiKey: null);

        using var response = await anonymous.PostAsync("api/sweeps", Json("""{"name":"anonymous","base":{}}"""));

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        ProblemDetailsShape.AssertProblem(problem, 401);
        Assert.Equal(["This operation needs an API key in the X-Api-Key header."],
            problem.GetProperty("errors").GetProperty("X-Api-Key").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Something_that_is_not_there_is_404_problem_details()
    {
        using var response = await _api.GetAsync($"api/schedules/{Guid.NewGuid()}");

        ProblemDetailsShape.AssertProblem(await ProblemAsync(response, HttpStatusCode.NotFound), 404, "Not Found");
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
