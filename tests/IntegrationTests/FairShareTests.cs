using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

/// <summary>Slots are shared between owners: a big sweep queued first does not starve a small one queued after it.</summary>
[Collection(ClusterCollection.Name)]
public class FairShareTests(ClusterFixture cluster)
{
    private static string Spec(string name, int runs) => $$"""
        {"name":"{{name}}","base":{"dModel":32,"nLayers":1,"nHeads":2,"seqLen":32,"batchSize":4,"tokens":2560,"logInterval":10,
         "evalInterval":20,"evalBatches":1,"checkpointInterval":20},"axes":{"seed":[{{string.Join(",", Enumerable.Range(1, runs))}}]} }
        """; // 20 steps a run

    private async Task<Guid> SubmitAsync(string spec, string apiKey)
    {
        using var response = await cluster.PostAsync("api/sweeps", spec, apiKey: apiKey);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
    }

    [Fact]
    public async Task A_small_sweep_of_another_owner_finishes_while_a_big_one_queued_before_it_still_waits()
    {
        var big = await SubmitAsync(Spec("it-fair-big", 12), ClusterFixture.ApiKey);
        await ClusterFixture.WaitUntilAsync(async () => await cluster.ScalarAsync($"SELECT count(*) FROM runs WHERE sweep_id = '{big}' AND started_at IS NOT NULL") > 0,
            TimeSpan.FromMinutes(2), "the big sweep's first run to start");
        var small = await SubmitAsync(Spec("it-fair-small", 3), ClusterFixture.OtherOwnersApiKey);

        await cluster.WaitForSweepAsync(small, TimeSpan.FromMinutes(3));

        try
        {
            // The one slot took turns: between the small sweep's first and last start, at most one big run per turn.
            var smallStarts = await cluster.ScalarAsync($"SELECT count(*) FROM runs WHERE sweep_id = '{small}' AND status = 'Succeeded'");
            var bigBetween = await cluster.ScalarAsync($"""
                SELECT count(*) FROM runs b WHERE b.sweep_id = '{big}'
                  AND b.started_at > (SELECT min(started_at) FROM runs WHERE sweep_id = '{small}')
                  AND b.started_at < (SELECT max(started_at) FROM runs WHERE sweep_id = '{small}')
                """);
            // Counted at the small sweep's end, not at this read: the big sweep's 20-step runs go on starting while the wait above polls.
            var bigStartedBeforeSmallEnded = await cluster.ScalarAsync($"""
                SELECT count(*) FROM runs b WHERE b.sweep_id = '{big}'
                  AND b.started_at < (SELECT max(finished_at) FROM runs WHERE sweep_id = '{small}')
                """);
            Assert.Equal(3, smallStarts);
            Assert.True(bigBetween <= 2, $"{bigBetween} big runs started between the small sweep's first and last");
            // Before the small sweep's first start (the one running, one more while it was submitted), during, after its last start.
            Assert.True(bigStartedBeforeSmallEnded <= 2 + 2 + 1, $"{bigStartedBeforeSmallEnded} of the big sweep's 12 runs started before the small one ended");
        }
        finally
        {
            using var _ = await cluster.PostAsync($"api/sweeps/{big}/cancel"); // frees the slot for the collection's other tests
        }
    }
}
