using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// A researcher's path through the dashboard in a real browser: log in with the API key, design an IsoFLOP study in
/// the form (the API's own messages appear as they type), submit it, watch it finish, and read the fitted law.
/// </summary>
[Collection(ClusterCollection.Name)]
public partial class DashboardStudyTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_study_submitted_from_the_form_completes_and_its_law_is_fitted_on_the_scaling_page()
    {
        var name = "it-form-" + Guid.NewGuid().ToString("N")[..6];
        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;

        // Reading needs no login; submitting does.
        await browser.GoAsync("studies/new");
        await browser.WaitForAsync("text=Log in with an API key", "new study before login");
        await browser.LogInAsync(ClusterFixture.ApiKey);

        await browser.GoInteractiveAsync("studies/new");
        await page.FillAsync("#f-name", name);
        await page.FillAsync("#f-seqLen", "16");
        await page.FillAsync("#f-batchSize", "8");
        await page.FillAsync("#f-learningRate", "0.01");
        await page.FillAsync("#f-sizesPerBudget", "3");
        await page.FillAsync("#f-aspectRatio", "16");
        await page.FillAsync("#f-headDim", "8");
        // A bad budget: the API's message shows under the field as the user types, and nothing can be submitted.
        await page.FillAsync("#f-budgets", "1e9, -3");
        await browser.WaitForAsync("label[data-field=budgets] small.error", "validation as you type");
        Assert.Contains("budgets", await page.InnerTextAsync("#spec-errors"));
        Assert.True(await page.IsDisabledAsync("#submit-study"));
        await browser.ScreenshotAsync("new-study-invalid");

        await page.FillAsync("#f-budgets", "1e9, 3e9");
        await browser.WaitForAsync("#study-preview >> text=6 runs", "preview");
        Assert.Equal(0, await page.Locator("#spec-errors").CountAsync());
        await browser.ScreenshotAsync("new-study");
        await page.ClickAsync("#submit-study");
        await page.WaitForURLAsync(new Regex("/sweeps/[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        var sweepId = Guid.Parse(page.Url[^36..]);
        // Submitted under the logged-in user's key: the sweep records which key (by the first digits of its hash).
        var owner = "key " + ScaleLab.Orchestrator.Infrastructure.ApiKeys.KeyId(ClusterFixture.ApiKey);
        Assert.Equal(owner, (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("sweep").GetProperty("owner").GetString());
        await browser.WaitForAsync($"text=submitted by {owner}", "owner on the sweep page");

        // The sweep page updates live until every run has finished.
        await browser.WaitForAsync("h1 .status.succeeded", "watching the study", timeoutMs: 240_000);
        await browser.WaitForAsync("#sweep-loss .main-svg", "sweep curves");
        Assert.Equal(6, await page.Locator("#sweep-loss .scatterlayer .trace").CountAsync());
        await browser.ScreenshotAsync("study-finished");

        // The Scaling page fits the law to the study's runs; its numbers are the API's for the same points.
        await browser.GoAsync($"scaling?sweeps={sweepId}&law=chinchilla");
        await browser.WaitForAsync("#scaling-params td[data-key=alpha]", "scaling fit", timeoutMs: 60_000);
        await browser.WaitForAsync("#scaling-frontier .main-svg", "scaling chart");
        Assert.Contains($"sweeps={sweepId}&law=chinchilla&bootstrap=200", page.Url);   // the fit shown is in the address, to share
        var shownAlpha = await page.InnerTextAsync("#scaling-params td[data-key=alpha]");
        var shownBeta = await page.InnerTextAsync("#scaling-params td[data-key=beta]");
        var shownNOpt = await page.InnerTextAsync("#extrapolation dd[data-key=N_opt]");
        await browser.ScreenshotAsync("scaling");

        using var fit = await cluster.PostAsync("api/fits", $$"""{"sweepIds":["{{sweepId}}"],"law":"chinchilla","bootstrap":200}""");
        Assert.Equal(HttpStatusCode.Created, fit.StatusCode);
        var result = (await fit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("result");
        Assert.Equal(6, result.GetProperty("points").GetInt32());
        AssertShows(result.GetProperty("alpha").GetDouble(), shownAlpha);
        AssertShows(result.GetProperty("beta").GetDouble(), shownBeta);
        // Six tiny runs can make a degenerate law (no optimum): then the API says null and the page says so, in words.
        var nOpt = result.GetProperty("derived").GetProperty("N_opt");
        if (nOpt.ValueKind == JsonValueKind.Number) AssertShows(nOpt.GetDouble(), shownNOpt);
        else
        {
            Assert.Equal("–", shownNOpt.Trim());
            Assert.Contains("N_opt", await page.InnerTextAsync("#fit-warnings"));
        }
        Assert.Matches(@"\[.+, .+\]$", shownAlpha); // with its bootstrap interval
        // The runs and the frontier, and the band (two traces) where every point of the frontier has an interval.
        var banded = result.GetProperty("frontier").EnumerateArray().All(f => f.TryGetProperty("lossInterval", out var i) && i[0].ValueKind == JsonValueKind.Number);
        Assert.Equal(banded ? 4 : 2, await page.Locator("#scaling-frontier .scatterlayer .trace").CountAsync());
        Assert.Equal("log", await page.EvaluateAsync<string>("document.getElementById('scaling-frontier').layout.yaxis.type"));

        // The Ablations page compares groups at matched compute (one group here: the study itself).
        await browser.GoInteractiveAsync($"ablations?sweeps={sweepId}&groupBy=sweep&law=chinchilla");
        await browser.WaitForAsync($"#ablation-table tr[data-group='{name}']", "ablations", timeoutMs: 60_000);
        await browser.WaitForAsync("#ablation-frontiers .main-svg", "ablations chart");
        // Each arm's diagnostics sit beside its rank: one residual row per run it was fitted to, and its rollout check.
        Assert.Equal(6, await page.Locator($"#fit-points details[data-group='{name}'] table.residuals tbody tr").CountAsync());
        Assert.NotEqual("", (await page.InnerTextAsync($"#ablation-table tr[data-group='{name}'] td.rollout")).Trim());
        await browser.ScreenshotAsync("ablations");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Schedules_are_created_paused_and_deleted_from_the_dashboard()
    {
        var name = "it-ui-schedule-" + Guid.NewGuid().ToString("N")[..6];
        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;
        await browser.LogInAsync(ClusterFixture.ApiKey);
        await browser.GoInteractiveAsync("schedules");

        await page.FillAsync("#s-name", name);
        await page.FillAsync("#s-cron", "not a cron");
        await page.ClickAsync("#create-schedule");
        await browser.WaitForAsync("#schedule-errors >> text=cron", "schedule validation");

        await page.FillAsync("#s-cron", "0 3 * * *");
        await page.FillAsync("#s-timezone", "Europe/Berlin");
        await page.ClickAsync("#create-schedule");
        var row = $"tr[data-schedule='{name}']";
        await browser.WaitForAsync(row, "schedule created");
        // Its next firing in its own zone, with the UTC time beside it (01:00 or 02:00 UTC with daylight saving).
        Assert.Matches(@"03:00 Europe/Berlin \(0[12]:00 UTC\)", await page.InnerTextAsync(row));
        await page.ClickAsync($"{row} >> text=Pause");
        await browser.WaitForAsync($"{row} .status.paused", "schedule paused");
        await browser.ScreenshotAsync("schedules");
        Assert.Contains(name, await cluster.Api.GetStringAsync("api/schedules"));

        await page.ClickAsync($"{row} >> text=Delete");   // asks first; nothing is deleted yet
        await browser.WaitForAsync($"{row} .confirm", "the delete confirmation");
        Assert.Contains(name, await cluster.Api.GetStringAsync("api/schedules"));
        await page.ClickAsync($"{row} >> text=Yes, delete");
        await page.WaitForSelectorAsync(row, new() { State = Microsoft.Playwright.WaitForSelectorState.Detached });
        Assert.DoesNotContain(name, await cluster.Api.GetStringAsync("api/schedules"));
        browser.AssertNoErrors();
    }

    /// <summary>The page writes 4 significant digits (scientific when large); the API's number must round to what is shown.</summary>
    private static void AssertShows(double value, string shown)
    {
        var first = shown.Split(' ')[0];
        var parsed = double.Parse(first, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(parsed - value) <= Math.Abs(value) * 1e-3, $"page shows {shown}, the API fitted {value}");
    }
}
