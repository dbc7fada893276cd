using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// The sweep page's runs table in a real browser against real silos: filtered and sorted by a config field and a metric,
/// grouped by a field under collapsible headers,
/// runs ticked and compared side by side, the comparison a link that opens again as it was. Screenshots go to
/// TestResults/screenshots (runs-sorted-filtered, runs-grouped, runs-ticked, runs-compared).
/// </summary>
[Collection(ClusterCollection.Name)]
public class DashboardRunsTableTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Runs_are_filtered_sorted_and_grouped_by_a_field_and_ticked_runs_compared_side_by_side_in_a_browser()
    {
        // Six runs trained elsewhere, two mixers at three widths, logged over the API as the Python client does.
        var name = "it-runs-table-" + Guid.NewGuid().ToString("N")[..6];
        using var opened = await cluster.PostAsync("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"compute":"6ND"}}""");
        var study = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var runs = new Dictionary<string, Guid>();
        foreach (var (mixer, width, offset) in new[] { ("gla", 64, 0.30), ("gla", 128, 0.15), ("gla", 256, 0.05), ("softmax", 64, 0.25), ("softmax", 128, 0.10), ("softmax", 256, 0.0) })
        {
            var n = width * width * 12;
            using var added = await cluster.PostAsync($"api/external/studies/{study}/runs",
                $$$"""{"name":"{{{mixer}}}-d{{{width}}}","nonEmbeddingParameters":{{{n}}},"tokens":20000000,"config":{"mixer":"{{{mixer}}}","dModel":{{{width}}}}}""");
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var run = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            runs[$"{mixer}-d{width}"] = run;
            double Loss(int s) => 3.0 + offset + 2.0 / s;
            var points = string.Join(",", Enumerable.Range(1, 5).Select(s =>
                string.Create(CultureInfo.InvariantCulture, $$"""{"step":{{s * 100}},"name":"loss","value":{{Loss(s)}},"tokens":{{s * 4_000_000}}}""")));
            using var logged = await cluster.PostAsync($"api/external/runs/{run}/metrics", $$"""{"points":[{{points}}]}""");
            Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
            using var finished = await cluster.PostAsync($"api/external/runs/{run}/finish",
                string.Create(CultureInfo.InvariantCulture, $$"""{"status":"succeeded","finalLoss":{{Loss(5)}}}"""));
            Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        }

        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;
        await browser.GoInteractiveAsync($"sweeps/{study}");
        await browser.WaitForAsync("#runs-group option[value='mixer']", "the fields the runs differ in", visible: false);   // an option is never "visible"

        // Filtered by a config field and a metric, then sorted by loss and reversed: the runs shown, in order, and the URL
        // keeps both, so the link opens the same table. Final losses: gla 3.70, 3.55, 3.45; softmax 3.65, 3.50, 3.40.
        async Task<string[]> ShownAsync() =>
            (await page.Locator("table.runs tbody td.pick input").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.run)"))
            .Select(id => runs.Single(r => r.Value.ToString() == id).Key).ToArray();
        await page.FillAsync("#runs-filter", "mixer=gla loss<3.6");
        await page.WaitForFunctionAsync("document.querySelectorAll('table.runs tbody td.pick').length === 2");
        await page.SelectOptionAsync("#runs-sort", "loss");
        await page.WaitForFunctionAsync("location.search.includes('sort=loss')");
        Assert.Equal(["gla-d256", "gla-d128"], await ShownAsync());
        await page.ClickAsync("#runs-sort-direction");
        await page.WaitForFunctionAsync("location.search.includes('sort=-loss')");
        Assert.Equal(["gla-d128", "gla-d256"], await ShownAsync());
        Assert.Contains("filter=mixer%3Dgla%20loss%3C3.6", page.Url);
        await browser.ScreenshotAsync("runs-sorted-filtered");
        var sortedLink = page.Url;
        await page.GotoAsync(sortedLink);
        await browser.WaitForAsync("#interactive", "the sorted, filtered table opened by its link", visible: false);
        await page.WaitForFunctionAsync("document.querySelectorAll('table.runs tbody td.pick').length === 2");
        Assert.Equal(["gla-d128", "gla-d256"], await ShownAsync());
        Assert.Equal("mixer=gla loss<3.6", await page.InputValueAsync("#runs-filter"));
        await browser.GoInteractiveAsync($"sweeps/{study}");
        await browser.WaitForAsync("#runs-group option[value='mixer']", "the fields the runs differ in, again", visible: false);

        // Grouped by mixer: a header per value with its count and summary, then its runs.
        await page.SelectOptionAsync("#runs-group", "mixer");
        await browser.WaitForAsync("tr.group[data-group='softmax']", "grouped by mixer");
        Assert.Equal("3 runs · 3 succeeded · best loss 3.4000 (softmax-d256) · median 3.5000",
            await page.InnerTextAsync("tr.group[data-group='softmax'] .group-summary"));
        Assert.Equal(8, await page.Locator("table.runs tbody tr.group, table.runs tbody tr:has(td.pick)").CountAsync());
        await page.WaitForFunctionAsync("location.search === '?groupBy=mixer'");
        await browser.ScreenshotAsync("runs-grouped");
        await page.ClickAsync("tr.group[data-group='gla'] .group-toggle");                 // collapsed: its header only
        await page.WaitForFunctionAsync("document.querySelectorAll('table.runs tbody td.pick').length === 3");

        // Three runs ticked (one in the collapsed group, after opening it again), then compared.
        await page.ClickAsync("tr.group[data-group='gla'] .group-toggle");
        foreach (var run in new[] { "gla-d64", "softmax-d64", "softmax-d256" })
            await page.CheckAsync($"td.pick input[data-run='{runs[run]}']");
        await page.WaitForFunctionAsync("document.getElementById('compare-runs').textContent === 'Compare (3)'");
        Assert.Contains($"selected={runs["gla-d64"]},{runs["softmax-d64"]},{runs["softmax-d256"]}", page.Url);
        await browser.ScreenshotAsync("runs-ticked");
        await page.ClickAsync("a#compare-runs");
        await page.WaitForFunctionAsync("location.pathname.endsWith('/compare')");
        await browser.WaitForAsync("#compare-curves .main-svg", "the comparison's chart");
        Assert.Equal(3, await page.Locator("#compare-curves .scatterlayer .trace").CountAsync());   // the three curves on one chart
        Assert.Equal(["gla-d64", "softmax-d64", "softmax-d256"], await page.Locator("table.compare th[data-run] a").AllInnerTextsAsync());
        Assert.Equal(["dModel", "mixer"], (await page.Locator("table.compare tr.differs").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.field)")).Order());
        Assert.Equal(2, await page.Locator("table.compare tr[data-field='Final loss']").EvaluateAsync<int>("tr => [...tr.querySelectorAll('td')].findIndex(td => td.classList.contains('best'))"));
        await browser.ScreenshotAsync("runs-compared");

        // The comparison is a link: opened afresh, it shows the same runs.
        var link = page.Url;
        Assert.Contains($"compare?runs={runs["gla-d64"]},{runs["softmax-d64"]},{runs["softmax-d256"]}", link);
        await page.GotoAsync(link);
        await browser.WaitForAsync("#compare-curves .main-svg", "the comparison opened by its link");
        Assert.Equal(3, await page.Locator("table.compare th[data-run]").CountAsync());
        browser.AssertNoErrors();
    }
}
