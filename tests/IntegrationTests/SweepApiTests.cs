using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class SweepApiTests(ClusterFixture cluster)
{
    private const string SmallSweep = """
        {"name":"it-small","base":{"nLayers":1,"nHeads":2,"seqLen":32,"batchSize":8,"tokens":12800,
         "evalInterval":25,"evalBatches":2,"logInterval":10,"warmupSteps":5},
         "axes":{"dModel":[32,48]}}
        """;

    private Task<HttpResponseMessage> PostAsync(string body, string? apiKey = ClusterFixture.ApiKey, string? idempotencyKey = null) =>
        cluster.PostAsync("api/sweeps", body, apiKey: apiKey, idempotencyKey: idempotencyKey);

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("""{"name":"x","axes":{"dModel":[64,"wide"]}}""", "axes.dModel[1]")]
    [InlineData("""{"name":"x","base":{"learningRate":"NaN"}}""", "base.learningRate")]
    [InlineData("""{"name":"x","base":{"dModel":-5}}""", "base.dModel")]
    [InlineData("""{"name":"'; DROP TABLE sweeps; --"}""", "name")]
    [InlineData("", "body")]
    public async Task Malformed_spec_gets_a_problem_naming_the_field_and_creates_nothing(string body, string field)
    {
        var before = await cluster.ScalarAsync("SELECT count(*) FROM sweeps");

        using var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
        Assert.Equal(before, await cluster.ScalarAsync("SELECT count(*) FROM sweeps"));
    }

    [Fact]
    public async Task Submitting_without_a_valid_api_key_is_refused()
    {
        using var missing = await PostAsync(SmallSweep, apiKey: null);
        using var wrong = await PostAsync(SmallSweep, apiKey: "not-the-key");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Retried_post_with_the_same_idempotency_key_creates_one_sweep()
    {
        var key = "retry-" + Guid.NewGuid();
        var spec = SmallSweep.Replace("it-small", "it-idempotent");
        using var first = await PostAsync(spec, idempotencyKey: key);
        using var second = await PostAsync(spec, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var a = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        var b = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        Assert.Equal(a, b);
        Assert.Equal(1, await cluster.ScalarAsync($"SELECT count(*) FROM sweeps WHERE id = '{a}'"));
        await cluster.WaitForSweepAsync(a, TimeSpan.FromMinutes(4));
    }

    [Fact]
    public async Task Preview_expands_an_isoflop_study_without_running_it()
    {
        var spec = await File.ReadAllTextAsync(Path.Combine(cluster.Root, "examples/sweeps/isoflop-cpu.json"));
        var before = await cluster.ScalarAsync("SELECT count(*) FROM runs");

        using var response = await cluster.Api.PostAsync("api/sweeps/preview", new StringContent(spec, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();
        var runs = preview.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(runs.Count, preview.GetProperty("runCount").GetInt32());
        Assert.InRange(runs.Count, 9, 15); // 3 budgets x up to 5 distinct shapes
        foreach (var budget in new[] { 3e11, 1e12, 3e12 })
            Assert.Contains(runs, r => Math.Abs(r.GetProperty("flops").GetDouble() / budget - 1) < 0.1);
        Assert.Equal(runs.Sum(r => r.GetProperty("flops").GetDouble()), preview.GetProperty("totalFlops").GetDouble(), 1e3);
        Assert.True(preview.GetProperty("estimatedDeviceSeconds").GetDouble() > 0);
        Assert.Equal(before, await cluster.ScalarAsync("SELECT count(*) FROM runs")); // nothing stored

        using var bad = await cluster.Api.PostAsync("api/sweeps/preview",
            new StringContent("""{"name":"x","kind":"isoflop","isoflop":{"budgets":[0]}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("isoflop.budgets[0]", out _));
    }

    [Fact]
    public async Task A_yaml_spec_is_previewed_and_stored_as_json()
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(cluster.Root, "examples", "sweeps", "ablation-mixers.yaml"));
        using var preview = await cluster.PostAsync("api/sweeps/preview", yaml, contentType: "application/yaml");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(30, (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runs").GetArrayLength());

        using var bad = await cluster.PostAsync("api/sweeps/preview", "name: x\nbase:\n  learningRate: fast\n", contentType: "application/yaml");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("base.learningRate", out _));
    }

    [Fact]
    public async Task Paging_parameters_out_of_range_are_refused()
    {
        using var response = await cluster.Api.GetAsync("api/sweeps?page=0&pageSize=100000");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("page", out _));
        Assert.True(errors.TryGetProperty("pageSize", out _));
    }
}
