using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScaleLab.Scaling;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// A page that dies says so, in a real browser: the Scaling page's figures of an IsoFLOP fit extrapolated past its data
/// (once refused by Plotly with nothing on screen) are drawn, and a page that loses its circuit shows Blazor's reconnect
/// prompt until the connection is back.
/// </summary>
[Collection(ClusterCollection.Name)]
public class DashboardFailureTests(ClusterFixture cluster)
{
    /// <summary>
    /// An IsoFLOP study of 20 runs logged over the API: 4 budgets, each at 5 sizes around its optimum under Hoffmann
    /// et al.'s law, with that law's losses, so a fit needs no training.
    /// </summary>
    private async Task<Guid> IsoFlopStudyAsync(string name)
    {
        var law = new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28);
        using var opened = await cluster.PostAsync("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"compute":"6ND"}}""");
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var study = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var c in new[] { 1e17, 1e18, 1e19, 1e20 })
            foreach (var factor in new[] { 0.25, 0.5, 1, 2, 4 })
            {
                var n = Math.Round(law.ComputeOptimal(c).N * factor);
                var d = Math.Round(c / (6 * n));
                using var added = await cluster.PostAsync($"api/external/studies/{study}/runs",
                    $$$"""{"name":"c{{{c:0e0}}}-n{{{n:0}}}","nonEmbeddingParameters":{{{n:0}}},"tokens":{{{d:0}}}}""");
                Assert.Equal(HttpStatusCode.Created, added.StatusCode);
                var run = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                var loss = law.Predict(n, d).ToString("R", CultureInfo.InvariantCulture);
                using var finished = await cluster.PostAsync($"api/external/runs/{run}/finish", $$$"""{"status":"succeeded","finalLoss":{{{loss}}}}""");
                Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
            }
        return study;
    }

    [Fact]
    public async Task An_isoflop_fit_with_an_extrapolation_target_draws_every_figure()
    {
        var study = await IsoFlopStudyAsync("it-isoflop-target-" + Guid.NewGuid().ToString("N")[..6]);
        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;

        await browser.GoInteractiveAsync($"scaling?sweeps={study}&law=isoflop&bootstrap=50&compute=1e22");
        foreach (var chart in new[] { "scaling-frontier", "scaling-residuals", "scaling-isoflop-all", "scaling-allocation-all" })
            await browser.WaitForAsync($"#{chart} .main-svg", chart, timeoutMs: 60_000);

        Assert.Equal("At C = 1E+22 FLOPs", await page.InnerTextAsync("#extrapolation h2"));
        Assert.Equal(["C=1E+17", "C=1E+18", "C=1E+19", "C=1E+20"],
            await page.EvaluateAsync<string[]>("document.getElementById('scaling-isoflop-all').data.filter(t => t.showlegend !== false && t.mode === 'markers').map(t => t.name)"));
        // N_opt(C) is drawn out past the target, 100x the largest budget.
        Assert.InRange(await page.EvaluateAsync<double>("Math.max(...document.getElementById('scaling-allocation-all').data.flatMap(t => t.x))"), 1e22, 1e23);
        await browser.ScreenshotAsync("scaling-isoflop-extrapolated");
        Assert.Equal(0, await page.Locator(".chart-error").CountAsync());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task A_page_that_loses_its_circuit_shows_the_reconnect_prompt_until_it_is_back()
    {
        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;
        await browser.GoInteractiveAsync("");
        browser.AssertNoErrors();

        // The server out of reach (every reconnection attempt refused) and the page's connection dropped.
        await page.RouteAsync("**/_blazor/negotiate**", route => route.AbortAsync());
        await page.EvaluateAsync("Blazor._internal.forceCloseConnection()");

        var prompt = page.Locator("#components-reconnect-modal .components-reconnect-dialog");
        await prompt.WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Visible, Timeout = 10_000 });
        // Blazor fades the dialog in: the screenshot waits until it is fully drawn.
        await page.WaitForFunctionAsync("getComputedStyle(document.getElementById('components-reconnect-modal').shadowRoot.querySelector('.components-reconnect-dialog')).opacity === '1'");
        await page.Locator("#components-reconnect-modal p").Filter(new() { HasTextRegex = new("Rejoin") }).WaitForAsync();
        await browser.ScreenshotAsync("circuit-lost-reconnect-prompt");

        // The server back: the next attempt (at most 5 s away) rejoins the same circuit, and the page answers again.
        await page.UnrouteAllAsync(new() { Behavior = Microsoft.Playwright.UnrouteBehavior.Wait });
        await prompt.WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Hidden, Timeout = 30_000 });
        await page.FillAsync("input[placeholder='Search by name']", "no-sweep-is-named-this");
        await browser.WaitForAsync("text=No sweeps match", "the page answering after the reconnect");
        Assert.False(await page.IsVisibleAsync("#blazor-error-ui"));
    }
}
