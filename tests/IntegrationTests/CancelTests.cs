using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class CancelTests(ClusterFixture cluster)
{
    private Task<HttpResponseMessage> PostAsync(string path, string? body = null, bool withKey = true) =>
        cluster.PostAsync(path, body, apiKey: withKey ? ClusterFixture.ApiKey : null);

    [Fact]
    public async Task Cancel_stops_the_running_run_and_the_queued_ones_never_start()
    {
        // Three runs of 300 steps (~15 s each) on the one worker slot: one trains, two wait.
        using var submitted = await PostAsync("api/sweeps", """
            {"name":"it-cancel","base":{"dModel":64,"nLayers":2,"nHeads":4,"seqLen":128,"batchSize":16,"tokens":614400,
             "logInterval":10,"evalInterval":100,"evalBatches":2,"checkpointInterval":100},"axes":{"seed":[1,2,3]}}
            """);
        var sweepId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        await ClusterFixture.WaitUntilAsync(async () =>
            (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("runs").EnumerateArray()
                .Any(r => r.GetProperty("stepsDone").GetInt32() >= 120), TimeSpan.FromMinutes(2), "a run to be training past its first checkpoint");
        var training = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("sweep");
        Assert.Equal("Running", training.GetProperty("status").GetString());   // before any run has finished
        Assert.Equal(0, training.GetProperty("runsFinished").GetInt32());

        using var cancelled = await PostAsync($"api/sweeps/{sweepId}/cancel");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        JsonElement runs = default;
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            runs = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("runs");
            return runs.EnumerateArray().All(r => r.GetProperty("status").GetString() == "Cancelled");
        }, TimeSpan.FromSeconds(20), "every run to be cancelled");
        var started = runs.EnumerateArray().Where(r => r.GetProperty("attempt").GetInt32() > 0).ToList();
        Assert.Single(started); // the queued two never started
        Assert.InRange(started[0].GetProperty("stepsDone").GetInt32(), 120, 299); // the running one stopped part-way
        // It keeps its training time and its last periodic checkpoint (step 100), downloadable like a final one.
        Assert.True(started[0].GetProperty("wallClockSeconds").GetDouble() > 0);
        var run = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{started[0].GetProperty("id").GetGuid()}");
        var checkpoint = Assert.Single(run.GetProperty("artifacts").EnumerateArray());
        Assert.Equal("checkpoint-latest", checkpoint.GetProperty("name").GetString());
        using var download = await cluster.Api.GetAsync(checkpoint.GetProperty("download").GetString()!.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(checkpoint.GetProperty("bytes").GetInt64(), (await download.Content.ReadAsByteArrayAsync()).LongLength);

        // The slot is free again and nothing of the sweep is queued.
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            var workers = await cluster.Api.GetFromJsonAsync<JsonElement>("api/workers");
            return workers.GetProperty("queuedRuns").GetInt32() == 0
                   && workers.GetProperty("slots").EnumerateArray().All(s => s.GetProperty("assignedRunId").ValueKind == JsonValueKind.Null);
        }, TimeSpan.FromSeconds(20), "the slot to be free");

        using var again = await PostAsync($"api/sweeps/{sweepId}/cancel");
        using var unknown = await PostAsync($"api/sweeps/{Guid.NewGuid()}/cancel");
        using var anonymous = await PostAsync($"api/sweeps/{sweepId}/cancel", withKey: false);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
