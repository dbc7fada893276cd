using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

/// <summary>The dashboard is a separate process and an Orleans client; its pages are prerendered from the cluster's catalog.</summary>
[Collection(ClusterCollection.Name)]
public class DashboardTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Dashboard_lists_a_submitted_sweep_and_shows_its_runs()
    {
        var name = "it-dashboard-" + Guid.NewGuid().ToString("N")[..6];
        var spec = "{\"name\":\"" + name + "\",\"base\":{\"nLayers\":1,\"nHeads\":2,\"seqLen\":16,\"batchSize\":4,\"tokens\":640," +
                   "\"logInterval\":5,\"evalInterval\":10,\"evalBatches\":1},\"axes\":{\"dModel\":[16,32]}}";
        using var response = await cluster.PostAsync("api/sweeps", spec);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(4));

        var list = await cluster.Dashboard.GetStringAsync("");
        var detail = await cluster.Dashboard.GetStringAsync($"sweeps/{sweepId}");

        Assert.Contains(name, list);
        Assert.Contains($"sweeps/{sweepId}", list);
        Assert.Contains("dModel=16", detail);
        Assert.Contains("dModel=32", detail);
        Assert.Contains("Succeeded", detail);
        // The overlaid curves are drawn once the page is interactive: DashboardBrowserTests checks them in a browser.

        // A run's page: its curves, its log and its checkpoint to download.
        var runId = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("runs")[0].GetProperty("id").GetGuid();
        var run = WebUtility.HtmlDecode(await cluster.Dashboard.GetStringAsync($"runs/{runId}"));
        Assert.Contains("id=\"run-loss\"", run);
        Assert.Contains("id=\"run-val_loss\"", run);
        Assert.Contains("attempt 1 assigned to slot", run);
        Assert.Contains("succeeded after 10 steps", run);                               // 640 tokens / (4 x 16)
        Assert.Contains($"api/runs/{runId}/artifacts/checkpoint-final", run);
        Assert.Contains("\"dModel\":", run);                                     // the config

        // The cluster at a glance: the worker's CPU slot, idle now that the sweep is done.
        var overview = WebUtility.HtmlDecode(await cluster.Dashboard.GetStringAsync("overview"));
        Assert.Contains("worker slots on", overview);
        Assert.Contains("CPU (", overview);
        Assert.Contains("runs queued", overview);
    }
}
