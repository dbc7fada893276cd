using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ScaleLab.Workers.Training;

namespace ScaleLab.IntegrationTests;

/// <summary>A sweep submitted over HTTP is trained for real on the Worker silo and lands in PostgreSQL and blob storage.</summary>
[Collection(ClusterCollection.Name)]
public class VerticalSliceTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Submitted_sweep_trains_every_run_and_stores_curves_and_checkpoints()
    {
        const string spec = """
            {"name":"it-slice","base":{"nLayers":1,"nHeads":2,"seqLen":32,"batchSize":8,"tokens":25600,
             "evalInterval":50,"evalBatches":2,"logInterval":10,"warmupSteps":5},
             "axes":{"dModel":[32,64]}}
            """;
        using var response = await cluster.PostAsync("api/sweeps", spec);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();

        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(4));

        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());
        var runs = sweep.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count);
        // Every run finished, so the compute spent is the compute planned, in the sweep's detail as in the list.
        var planned = runs.Sum(r => r.GetProperty("plannedFlops").GetDouble());
        Assert.Equal(planned, sweep.GetProperty("sweep").GetProperty("usedFlops").GetDouble(), planned * 1e-9);
        var listed = (await cluster.Api.GetFromJsonAsync<JsonElement>("api/sweeps?search=it-slice", ClusterFixture.Json))
            .GetProperty("items").EnumerateArray().Single(s => s.GetProperty("id").GetGuid() == sweepId);
        Assert.Equal(planned, listed.GetProperty("usedFlops").GetDouble(), planned * 1e-9);
        foreach (var run in runs)
        {
            var id = run.GetProperty("id").GetGuid();
            Assert.Equal("Succeeded", run.GetProperty("status").GetString());
            Assert.Equal(100, run.GetProperty("stepsDone").GetInt32()); // 25600 tokens / (8 x 32)
            Assert.True(run.GetProperty("finalLoss").GetDouble() < Math.Log(256) - 1, "the model did not learn");

            // One point per logged step and metric: 10 log steps, 2 evaluations, never duplicated.
            Assert.Equal(10, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{id}' AND name = 'loss'"));
            Assert.Equal(2, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{id}' AND name = 'val_loss'"));
            Assert.Equal(0, await cluster.ScalarAsync(
                $"SELECT count(*) FROM (SELECT step, name FROM metrics WHERE run_id = '{id}' GROUP BY step, name HAVING count(*) > 1) d"));

            var detail = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{id}", ClusterFixture.Json);
            var artifact = detail.GetProperty("artifacts").EnumerateArray().Single();
            Assert.Equal("checkpoint", artifact.GetProperty("kind").GetString());

            // The checkpoint, downloaded through the API, is a real, loadable model of the run's shape.
            using var download = await cluster.Api.GetAsync($"api/runs/{id}/artifacts/{artifact.GetProperty("name").GetString()}");
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            using var stream = new MemoryStream(await download.Content.ReadAsByteArrayAsync());
            Assert.Equal(artifact.GetProperty("bytes").GetInt64(), stream.Length);
            stream.Position = 0;
            var (model, manifest) = CheckpointArchive.ReadModel(stream);
            model.Dispose();
            Assert.Equal(100, manifest.Step);
            Assert.Equal(run.GetProperty("nonEmbeddingParameters").GetInt64(), Models.TransformerShape.NonEmbeddingParameters(manifest.Config));
        }

        // The run's log tells its story, from both sides.
        var firstRun = runs[0].GetProperty("id").GetGuid();
        var log = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{firstRun}/logs")).EnumerateArray()
            .Select(l => (Source: l.GetProperty("source").GetString(), Message: l.GetProperty("message").GetString()!)).ToList();
        Assert.Contains(log, l => l.Source == "orchestrator" && l.Message.StartsWith("attempt 1 assigned to slot", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Source == "worker" && l.Message.Contains("from scratch", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Source == "orchestrator" && l.Message.StartsWith("succeeded after 100 steps", StringComparison.Ordinal));

        // Artifact names are looked up, never used as paths.
        foreach (var (name, status) in new[] { ("..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest), ("final.ckpt", HttpStatusCode.NotFound), ("latest.ckpt", HttpStatusCode.NotFound) })
        {
            using var refused = await cluster.Api.GetAsync($"api/runs/{firstRun}/artifacts/{name}");
            Assert.Equal(status, refused.StatusCode);
        }
        using (var otherRun = await cluster.Api.GetAsync($"api/runs/{Guid.NewGuid()}/artifacts/checkpoint-final"))
            Assert.Equal(HttpStatusCode.NotFound, otherRun.StatusCode);

        var loss = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{firstRun}/metrics/loss?maxPoints=4");
        Assert.True(loss.GetProperty("steps").GetArrayLength() <= 5);
        Assert.Equal(100, loss.GetProperty("steps").EnumerateArray().Last().GetInt32());
    }
}
