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

    [Fact]
    public async Task The_loss_law_stops_a_run_whose_predicted_final_loss_is_confidently_off_its_budgets_best()
    {
        // Two budgets (250 and 400 steps) at a good and a useless learning rate, run one after another in name order.
        // The 400-step run at 1e-5 is judged half way: the finished 250-step run at its rate teaches the law its curve,
        // and the finished 400-step run at 0.01 is its budget's best. keep 1: one rival is enough to stop it. The model
        // is big enough that its last 200 steps take seconds, longer than the judgement and the stop.
        const string spec = """
            {"name":"it-law-stopping","base":{"dModel":64,"nLayers":1,"nHeads":2,"seqLen":64,"batchSize":16,
             "warmupSteps":5,"evalInterval":1000,"evalBatches":1,"logInterval":10,"checkpointInterval":0},
             "axes":{"tokens":[256000,409600],"learningRate":[0.01,1e-5]},
             "earlyStopping":{"method":"law","at":[0.5],"keep":1}}
            """;
        using var response = await cluster.PostAsync("api/sweeps", spec);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();

        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(6));

        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());   // a stopped run is no failure
        var runs = sweep.GetProperty("runs").EnumerateArray().ToDictionary(
            r => r.GetProperty("name").GetString()!, r => (Status: r.GetProperty("status").GetString(), Steps: r.GetProperty("stepsDone").GetInt32(),
                Flops: r.GetProperty("plannedFlops").GetDouble(), Error: r.GetProperty("error").GetString()));
        var stopped = runs["tokens=409600, learningRate=1e-5"];
        Assert.Equal("Stopped", stopped.Status);
        Assert.StartsWith("stopped by the loss law at step", stopped.Error);
        Assert.Contains("by tokens=409600, learningRate=0.01 at the same budget", stopped.Error);
        Assert.InRange(stopped.Steps, 200, 399);
        foreach (var name in new[] { "tokens=256000, learningRate=0.01", "tokens=256000, learningRate=1e-5", "tokens=409600, learningRate=0.01" })
            Assert.Equal(("Succeeded", null), (runs[name].Status, runs[name].Error));   // nothing to judge the short ones by; the best trains on

        // The compute it did not spend is not counted as used.
        var used = sweep.GetProperty("sweep").GetProperty("usedFlops").GetDouble();
        var planned = runs.Values.Sum(r => r.Flops);
        Assert.Equal(planned - stopped.Flops * (400 - stopped.Steps) / 400, used, planned * 1e-6);
    }
}
