using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class FitsApiTests(ClusterFixture cluster)
{
    private Task<HttpResponseMessage> PostAsync(string path, string body) => cluster.PostAsync(path, body);

    private static string PowerLawPoints(double a, double alpha) =>
        string.Join(",", Enumerable.Range(0, 8).Select(i => Math.Pow(10, 15 + i)).Select(c =>
            $$"""{"n":1e8,"d":1e9,"loss":{{a * Math.Pow(c, -alpha)}},"flops":{{c}}}"""));

    [Fact]
    public async Task A_fit_of_posted_points_is_returned_and_stored_with_its_inputs()
    {
        using var response = await PostAsync("api/fits",
            $$"""{"law":"compute","irreducibleLoss":false,"bootstrap":50,"seed":3,"points":[{{PowerLawPoints(40, 0.07)}}]}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var result = created.GetProperty("result");
        Assert.Equal(0.07, result.GetProperty("alpha").GetDouble(), 1e-9);
        Assert.Equal(40, result.GetProperty("A").GetDouble(), 1e-6);
        Assert.Equal(2, result.GetProperty("intervals").GetProperty("alpha").GetArrayLength());

        var stored = await cluster.Api.GetFromJsonAsync<JsonElement>(response.Headers.Location!.ToString().TrimStart('/'));
        Assert.Equal(8, stored.GetProperty("inputs").GetProperty("points").GetArrayLength());
        Assert.Equal(result.GetProperty("alpha").GetDouble(), stored.GetProperty("result").GetProperty("alpha").GetDouble());
    }

    [Fact]
    public async Task An_uploaded_csv_is_fitted_with_options_from_the_query()
    {
        var csv = await File.ReadAllTextAsync(Path.Combine(cluster.Root, "examples/fits/isoflop-synthetic.csv"));
        using var response = await cluster.PostAsync("api/fits?law=isoflop&bootstrap=20&seed=2", csv, "text/csv");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        Assert.Equal("isoflop", result.GetProperty("law").GetString());
        Assert.Equal(4, result.GetProperty("profiles").GetArrayLength());
        Assert.InRange(result.GetProperty("a").GetDouble(), 0.42, 0.48);
        Assert.Equal(20, result.GetProperty("bootstrapUsed").GetInt32());

        using var refused = await cluster.PostAsync("api/fits?law=isoflop&bootstrap=lots", "n,d\n1,2\n", "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("csv", out _) && errors.TryGetProperty("bootstrap", out _), errors.ToString());
    }

    [Fact]
    public async Task The_finished_runs_of_a_sweep_can_be_fitted_and_grouped()
    {
        const string spec = """
            {"name":"it-fit-source","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"evalInterval":10,"evalBatches":1,"logInterval":5,"warmupSteps":2},
             "axes":{"dModel":[16,32,48],"tokens":[1280,2560]}}
            """;
        using var submitted = await PostAsync("api/sweeps", spec);
        var sweepId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(4));

        using var all = await PostAsync("api/fits", $$"""{"law":"compute","irreducibleLoss":false,"frontierOnly":false,"sweepIds":["{{sweepId}}"]}""");
        using var grouped = await PostAsync("api/fits", $$"""{"law":"compute","irreducibleLoss":false,"frontierOnly":false,"sweepIds":["{{sweepId}}"],"groupBy":"dModel"}""");

        Assert.Equal(HttpStatusCode.Created, all.StatusCode);
        Assert.Equal(6, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result").GetProperty("points").GetInt32());
        // Three groups of two runs each: too few for a two-parameter law, and the error says which group.
        Assert.Equal(HttpStatusCode.BadRequest, grouped.StatusCode);
        var errors = (await grouped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("group 'dModel=16'", out _), errors.ToString());
    }

    [Fact]
    public async Task A_sweeps_points_trained_at_several_learning_rates_are_fitted_at_their_best_rate()
    {
        // An IsoFLOP grid on Hoffmann et al.'s law (written to the database: no training), every point at 3 rates. Bigger
        // models want smaller rates, and a run away from its point's best rate loses 3 % per grid step: all runs together
        // would pull each budget's minimum towards the sizes the grid suits.
        var sweepId = Guid.NewGuid();
        double[] rates = [1e-3, 3e-3, 1e-2];
        var runs = new List<Orchestrator.Runs.RunRecord>();
        foreach (var c in new[] { 1e18, 1e19, 1e20, 1e21 })
            foreach (var n in new[] { 0.25, 0.5, 1, 2, 4 }.Select(f => f * 1.3e8 * Math.Pow(c / 1e18, 0.45)))
                for (var j = 0; j < rates.Length; j++)
                {
                    var d = c / (6 * n);
                    var best = n < 1e9 ? 2 : n < 1e10 ? 1 : 0;
                    var run = StoredSweeps.Run(Guid.NewGuid(), sweepId, $"C={c:E0}, N={n:E2}, lr={rates[j]}");
                    (run.NonEmbeddingParameters, run.TotalParameters, run.TokensSeen, run.PlannedTokens, run.PlannedFlops) = ((long)n, (long)n, (long)d, (long)d, c);
                    run.ConfigJson = JsonSerializer.Serialize(new ScaleLab.Runs.RunConfig { LearningRate = rates[j] }, ScaleLab.Sweeps.SpecJson.Options);
                    run.FinalValLoss = (1.69 + 406.4 / Math.Pow(n, 0.34) + 410.7 / Math.Pow(d, 0.28)) * (1 + 0.03 * Math.Abs(j - best));
                    runs.Add(run);
                }
        await StoredSweeps.InsertAsync(cluster, sweepId, "it-fit-best-rate", ScaleLab.Sweeps.SweepStatus.Succeeded, false, [.. runs]);

        using var response = await PostAsync("api/fits", $$"""{"law":"isoflop","sweepIds":["{{sweepId}}"]}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        Assert.Equal(runs.Count / rates.Length, result.GetProperty("points").GetInt32());
        Assert.InRange(result.GetProperty("a").GetDouble(), 0.42, 0.48);   // Hoffmann et al.'s β/(α+β) = 0.45
    }

    [Theory]
    [InlineData("""{"law":"magic","points":[]}""", "law")]
    [InlineData("""{"law":"compute","points":[{"n":1,"d":1,"loss":-2}]}""", "points[0].loss")]
    [InlineData("""{"law":"chinchilla","points":[{"n":1e7,"d":1e9,"loss":3},{"n":1e8,"d":1e10,"loss":2.5}]}""", "points")]
    [InlineData("""{"law":"compute","points":[],"sweepIds":[]}""", "points")]
    [InlineData("""{"law":"compute","points":[{"n":1,"d":1,"loss":2,"colour":"red"}]}""", "points[0].colour")]
    [InlineData("""{"law":"compute","bootstrap":1000000,"points":[]}""", "bootstrap")]
    [InlineData("""{"law":"compute","sweepIds":["00000000-0000-0000-0000-000000000001"]}""", "sweepIds")]
    [InlineData("""{"law":"compute","sweepIds":["not-a-guid"]}""", "sweepIds[0]")]
    [InlineData("""{"law":"compute","groupBy":"'; DROP TABLE fits; --","sweepIds":[]}""", "groupBy")]
    public async Task Bad_fit_requests_get_a_problem_naming_the_field(string body, string field)
    {
        var before = await cluster.ScalarAsync("SELECT count(*) FROM fits");

        using var response = await PostAsync("api/fits", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"expected {field}: {errors}");
        Assert.Equal(before, await cluster.ScalarAsync("SELECT count(*) FROM fits"));
    }
}
