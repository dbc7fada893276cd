using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class EarlyStoppingTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Asha_stops_the_runs_that_fall_behind_at_a_rung_and_lets_the_good_ones_finish()
    {
        // Four runs of 200 steps; rungs at 40 and 120 steps, the best third continuing. Two learning rates train well,
        // two barely move. The one worker slot runs them in order: the first two are too few to judge, and set the bar
        // that the slow ones then fail (runs start in name order: the good rates sort first).
        const string spec = """
            {"name":"it-asha","base":{"dModel":32,"nLayers":1,"nHeads":2,"seqLen":32,"batchSize":8,"tokens":51200,
             "warmupSteps":5,"evalInterval":20,"evalBatches":2,"logInterval":10,"checkpointInterval":100},
             "axes":{"learningRate":[0.01,0.003,1e-5,2e-6]},
             "earlyStopping":{"metric":"val_loss","reductionFactor":3,"gracePeriod":40}}
            """;
        using var response = await cluster.PostAsync("api/sweeps", spec);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();

        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(4));

        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());
        var runs = sweep.GetProperty("runs").EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!, r => (Status: r.GetProperty("status").GetString(), Steps: r.GetProperty("stepsDone").GetInt32(),
                Id: r.GetProperty("id").GetGuid(), Error: r.GetProperty("error").GetString()));
        Assert.Equal(("Succeeded", 200), (runs["learningRate=0.01"].Status, runs["learningRate=0.01"].Steps));
        foreach (var slow in new[] { "learningRate=1e-5", "learningRate=2e-6" })
        {
            Assert.Equal("Stopped", runs[slow].Status);
            Assert.InRange(runs[slow].Steps, 40, 160);                     // stopped soon after a rung, long before the end
            Assert.StartsWith("stopped early at step", runs[slow].Error);
            Assert.True(await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{runs[slow].Id}' AND name = 'val_loss'") >= 2,
                "a stopped run keeps the metrics it logged");
        }
        Assert.Equal(2, runs.Values.Count(r => r.Status == "Stopped"));

        // The sweep list filters by status and kind (and refuses a status that does not exist).
        async Task<int> CountAsync(string query) =>
            (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps?search=it-asha&{query}")).GetProperty("total").GetInt32();
        Assert.Equal(1, await CountAsync("status=Succeeded"));
        Assert.Equal(1, await CountAsync("status=succeeded&kind=grid"));
        Assert.Equal(0, await CountAsync("status=Running"));
        Assert.Equal(0, await CountAsync("kind=random"));
        using var bad = await cluster.Api.GetAsync("api/sweeps?status=Exploded");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("status", out _));
    }
}
