using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium driven by Playwright): pages render, Plotly draws the curves,
/// live updates arrive over the Blazor circuit. Screenshots of each page go to TestResults/screenshots.
/// </summary>
[Collection(ClusterCollection.Name)]
public class DashboardBrowserTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Sweep_and_run_pages_draw_their_curves_in_a_browser()
    {
        var name = "it-browser-" + Guid.NewGuid().ToString("N")[..6];
        var spec = "{\"name\":\"" + name + "\",\"base\":{\"nLayers\":1,\"nHeads\":2,\"seqLen\":16,\"batchSize\":4,\"tokens\":6400," +
                   "\"logInterval\":10,\"evalInterval\":50,\"evalBatches\":1},\"axes\":{\"dModel\":[16,32]}}";
        using var response = await cluster.PostAsync("api/sweeps", spec);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sweepId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(4));
        var runId = sweep.GetProperty("runs")[0].GetProperty("id").GetGuid();

        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;
        await browser.GoAsync("");
        await browser.WaitForAsync($"a[href='sweeps/{sweepId}']", "sweeps");   // listed, with a link to its page
        await browser.GoAsync($"sweeps/{sweepId}");
        await browser.WaitForAsync("#sweep-loss .main-svg", "sweep");
        Assert.Equal(2, await page.Locator("#sweep-loss .scatterlayer .trace").CountAsync());   // one curve per run
        Assert.Equal("log", await page.EvaluateAsync<string>("document.getElementById('sweep-loss').layout.xaxis.type"));
        await browser.ScreenshotAsync("sweep");
        await page.CheckAsync("#sweep-x input[value='Flops']");   // the same curves against training FLOPs
        await page.WaitForFunctionAsync("document.getElementById('sweep-loss').layout.xaxis.title.text === 'training FLOPs'");
        var largestX = await page.EvaluateAsync<double>("Math.max(...document.getElementById('sweep-loss').data.flatMap(t => t.x.filter(v => v !== null)))");
        var planned = sweep.GetProperty("runs").EnumerateArray().Max(r => r.GetProperty("plannedFlops").GetDouble());
        Assert.Equal(planned, largestX, planned * 1e-6);   // the bigger run's last point sits at its planned FLOPs

        await browser.GoAsync($"runs/{runId}");
        await browser.WaitForAsync("#run-loss .main-svg", "run");
        await browser.WaitForAsync("#run-val_loss .main-svg", "run");
        Assert.Contains("assigned to slot", await page.InnerTextAsync("table.log"));
        Assert.Contains("succeeded after", await page.InnerTextAsync("table.attempts tr[data-attempt='1']")); // the attempt history
        await browser.ScreenshotAsync("run");

        await browser.GoAsync("overview");
        await browser.WaitForAsync("text=runs queued", "overview");
        await browser.ScreenshotAsync("overview");

        await browser.GoAsync("");
        await browser.WaitForAsync($"text={name}", "sweeps");
        await browser.ScreenshotAsync("sweeps");
        browser.AssertNoErrors();
    }
}
