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

    [Fact]
    public async Task A_logged_study_is_tagged_coloured_by_a_field_and_a_clicked_point_opens_its_run()
    {
        // Four runs trained elsewhere, two mixers at two sizes, logged over the API as the Python client does.
        var name = "it-browser-ext-" + Guid.NewGuid().ToString("N")[..6];
        using var opened = await cluster.PostAsync("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"compute":"6ND"}}""");
        var study = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var runs = new List<Guid>();
        foreach (var (mixer, n) in new[] { ("gla", 1_000_000), ("gla", 4_000_000), ("softmax", 1_000_000), ("softmax", 4_000_000) })
        {
            using var added = await cluster.PostAsync($"api/external/studies/{study}/runs",
                $$$"""{"name":"{{{mixer}}}-{{{n}}}","nonEmbeddingParameters":{{{n}}},"tokens":20000000,"config":{"mixer":"{{{mixer}}}"}}""");
            var run = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            runs.Add(run);
            var points = string.Join(",", Enumerable.Range(1, 5).Select(s => $$"""{"step":{{s * 100}},"name":"loss","value":{{(5.0 - s * 0.3 - n / 4e6 + (mixer == "gla" ? 0.2 : 0)).ToString(System.Globalization.CultureInfo.InvariantCulture)}},"tokens":{{s * 4_000_000}}}"""));
            using var logged = await cluster.PostAsync($"api/external/runs/{run}/metrics", $$"""{"points":[{{points}}]}""");
            Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
            using var finished = await cluster.PostAsync($"api/external/runs/{run}/finish", """{"status":"succeeded","finalLoss":3.5}""");
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        }

        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;
        await browser.LogInAsync(ClusterFixture.ApiKey);
        await browser.GoInteractiveAsync($"sweeps/{study}");
        await browser.WaitForAsync("#sweep-loss .main-svg", "external sweep");
        Assert.Equal(4, await page.Locator("#sweep-loss .scatterlayer .trace").CountAsync());

        // Colour by mixer: two colours, one legend entry each.
        await page.SelectOptionAsync("#sweep-x-colour", "mixer");
        await page.WaitForFunctionAsync("document.getElementById('sweep-loss').data.filter(t => t.showlegend).length === 2");
        var legend = await page.EvaluateAsync<string[]>("document.getElementById('sweep-loss').data.filter(t => t.showlegend).map(t => t.name)");
        Assert.Equal(["mixer=gla", "mixer=softmax"], legend);

        // Tags and notes, saved with the logged-in key and shown as stored.
        await page.FillAsync("#sweep-tags", "browser, external");
        await page.FillAsync("#sweep-notes", "logged from elsewhere");
        await page.ClickAsync("#save-annotations");
        await browser.WaitForAsync("#sweep-annotations .tag >> text=external", "tags saved");
        await browser.ScreenshotAsync("sweep-coloured-and-tagged");

        // A click on the third trace's second point (as Plotly reports a click) opens that run.
        await page.EvaluateAsync("""
            (() => { const gd = document.getElementById('sweep-loss');
                     gd.emit('plotly_click', { points: [{ curveNumber: 2, pointNumber: 1, pointIndex: 1, x: gd.data[2].x[1], y: gd.data[2].y[1],
                                                   data: gd.data[2], fullData: gd._fullData[2] }], event: {} }); })()
            """);
        // The router navigates within the page (no load event): wait for the address, then the run's chart.
        await page.WaitForFunctionAsync($"location.pathname.endsWith('/runs/{runs[2]}')");
        await browser.WaitForAsync("#run-loss .main-svg", "the clicked run");
        browser.AssertNoErrors();
    }
}
