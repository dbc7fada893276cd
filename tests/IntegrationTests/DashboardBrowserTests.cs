using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium driven by Playwright): pages render, Plotly draws the curves,
/// live updates arrive over the Blazor circuit. Screenshots of each page go to TestResults/screenshots.
/// </summary>
[Collection(ClusterCollection.Name)]
public class DashboardBrowserTests(ClusterFixture cluster)
{
    private static readonly string[] ChromiumFlags =
        ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

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

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumFlags });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"page error: {error}");
        page.Response += (_, r) => { if (r.Status >= 400) console.Add($"{r.Status} {r.Url}"); };
        var shots = Path.Combine(cluster.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(shots);
        var home = cluster.Dashboard.BaseAddress!;

        await page.GotoAsync(home.ToString());
        await page.WaitForSelectorAsync($"a[href='sweeps/{sweepId}']");            // listed, with a link to its page
        // Go there by address: a click while the Blazor circuit is still attaching can be lost.
        await page.GotoAsync(new Uri(home, $"sweeps/{sweepId}").ToString());
        try
        {
            await page.WaitForSelectorAsync("#sweep-loss .main-svg", new() { Timeout = 30_000 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "sweep-failed.png"), FullPage = true });
            var dom = await page.EvaluateAsync<string>("(document.querySelector('.chart')?.outerHTML ?? 'no .chart').slice(0, 600) + ' | Plotly: ' + typeof window.Plotly");
            Assert.Fail("the sweep chart was not drawn: " + dom + "\nbrowser console:\n" + string.Join("\n", console));
        }
        Assert.Equal(2, await page.Locator("#sweep-loss .scatterlayer .trace").CountAsync());   // one curve per run
        Assert.Equal("log", await page.EvaluateAsync<string>("document.getElementById('sweep-loss').layout.xaxis.type"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "sweep.png"), FullPage = true });

        await page.GotoAsync(new Uri(home, $"runs/{runId}").ToString());
        await page.WaitForSelectorAsync("#run-loss .main-svg", new() { Timeout = 30_000 });
        await page.WaitForSelectorAsync("#run-val_loss .main-svg");
        Assert.Contains("assigned to slot", await page.InnerTextAsync("table.log"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "run.png"), FullPage = true });

        await page.GotoAsync(new Uri(home, "overview").ToString());
        await page.WaitForSelectorAsync("text=runs queued");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "overview.png"), FullPage = true });

        await page.GotoAsync(home.ToString());
        await page.WaitForSelectorAsync($"text={name}");
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "sweeps.png"), FullPage = true });
    }
}
