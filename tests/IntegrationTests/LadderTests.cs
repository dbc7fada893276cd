using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class LadderTests(ClusterFixture cluster)
{
    // Two sizes, three budgets each: per size one trunk to 8 tokens/param, and branches at 2 and 4 off its stable phase.
    private const string Spec = """
        {"name":"it-ladder","kind":"ladder",
         "base":{"task":"hmm","hmmStates":16,"hmmVocab":64,"seqLen":32,"batchSize":8,"warmupSteps":5,"learningRate":0.01,
                 "evalInterval":50,"evalBatches":2,"finalEvalTokens":4096,"logInterval":10,"checkpointInterval":50},
         "ladder":{"sizes":[3000,12000],"tokensPerParameter":[2,4,8],"cooldown":0.2,"aspectRatio":16,"headDim":8}}
        """;

    [Fact]
    public async Task A_ladder_trains_each_trunk_once_then_its_branches_from_the_trunks_checkpoints_and_counts_the_trunk_once()
    {
        using var previewResponse = await cluster.PostAsync("api/sweeps/preview", Spec);
        var preview = await previewResponse.Content.ReadFromJsonAsync<JsonElement>();
        var spent = preview.GetProperty("totalFlops").GetDouble();
        var grid = preview.GetProperty("plainGridFlops").GetDouble();
        // Per size: the trunk's 8 tokens/param plus a fifth of 2 and of 4, against 2 + 4 + 8 from scratch (whole steps aside).
        Assert.InRange(spent / grid, (8 + 0.2 * 6) / 14.0 - 0.03, (8 + 0.2 * 6) / 14.0 + 0.03);

        using var response = await cluster.PostAsync("api/sweeps", Spec);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(5));

        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());
        var runs = sweep.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(6, runs.Count);
        var trunks = runs.Where(r => r.GetProperty("parentRunId").ValueKind == JsonValueKind.Null).ToList();
        Assert.Equal(2, trunks.Count);
        Assert.All(trunks, t => Assert.EndsWith("trunk", t.GetProperty("name").GetString()));
        var summary = sweep.GetProperty("sweep");
        Assert.Equal(spent, summary.GetProperty("plannedFlops").GetDouble(), spent * 1e-9);
        Assert.Equal(spent, summary.GetProperty("usedFlops").GetDouble(), spent * 1e-6); // every branch's cooldown, each trunk once
        Assert.True(runs.Sum(r => r.GetProperty("plannedFlops").GetDouble()) > 1.4 * spent, "each run's point counts its model's whole training");

        foreach (var branch in runs.Except(trunks))
        {
            var id = branch.GetProperty("id").GetGuid();
            var parentId = branch.GetProperty("parentRunId").GetGuid();
            var firstStep = branch.GetProperty("firstStep").GetInt32();
            Assert.Contains(trunks, t => t.GetProperty("id").GetGuid() == parentId);
            Assert.Equal("Succeeded", branch.GetProperty("status").GetString());
            // It trained only its cooldown, after its trunk had finished, from the trunk's checkpoint at its branch point.
            Assert.Equal(0, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{id}' AND step <= {firstStep}"));
            Assert.True(await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{id}' AND step > {firstStep}") > 0);
            Assert.Equal(1, await cluster.ScalarAsync($"""
                SELECT count(*) FROM run_events e, runs p WHERE e.run_id = '{id}' AND p.id = '{parentId}'
                  AND e.kind = 'Started' AND e.step = {firstStep} AND e.at >= p.finished_at AND e.message LIKE '%branching off run {parentId}%'
                """));
            var detail = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{id}");
            Assert.Equal(parentId, detail.GetProperty("parent").GetProperty("id").GetGuid());
            Assert.Equal(firstStep, detail.GetProperty("parent").GetProperty("step").GetInt32());
        }
        foreach (var trunk in trunks)
        {
            var detail = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{trunk.GetProperty("id").GetGuid()}");
            Assert.Equal(2, detail.GetProperty("branches").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, detail.GetProperty("parent").ValueKind);
            Assert.Contains("keeping checkpoints for branches at steps", (await cluster.Api.GetStringAsync($"api/runs/{trunk.GetProperty("id").GetGuid()}/logs")));
        }

        // The points are the grid's: a Chinchilla fit reads all six, each at its model's whole compute.
        using var fit = await cluster.PostAsync("api/fits/preview", $$"""{"sweepIds":["{{sweepId}}"]}""");
        var fitted = await fit.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(fit.IsSuccessStatusCode, fitted.ToString());
        Assert.Equal(6, fitted.GetProperty("points").GetArrayLength());
    }

    [Fact]
    public async Task A_bad_ladder_is_refused_naming_the_field()
    {
        using var response = await cluster.PostAsync("api/sweeps", Spec.Replace("\"cooldown\":0.2", "\"cooldown\":1.5"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("ladder.cooldown", out _));
    }
}
