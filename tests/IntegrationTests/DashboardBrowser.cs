using Microsoft.Playwright;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download), one page at 1400×1000 that records console errors
/// and failed responses, and saves screenshots to TestResults/screenshots.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    private static readonly string[] ChromiumFlags =
        ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _shots;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page, Uri home, string shots)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        Home = home;
        _shots = shots;
    }

    public IPage Page { get; }
    public Uri Home { get; }
    public List<string> Console { get; } = [];

    public static async Task<DashboardBrowser> OpenAsync(ClusterFixture cluster)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumFlags });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var shots = Path.Combine(cluster.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(shots);
        var result = new DashboardBrowser(playwright, browser, page, cluster.Dashboard.BaseAddress!, shots);
        page.Console += (_, message) => { if (message.Type is "error" or "warning") result.Console.Add($"{message.Type}: {message.Text}"); };
        page.PageError += (_, error) => result.Console.Add($"page error: {error}");
        page.Response += (_, r) => { if (r.Status >= 400) result.Console.Add($"{r.Status} {r.Url}"); };
        return result;
    }

    /// <summary>Goes to a dashboard address (by address, not by click: a click while the Blazor circuit attaches can be lost).</summary>
    public Task GoAsync(string relative) => Page.GotoAsync(new Uri(Home, relative).ToString());

    /// <summary>Logs in through the dashboard's form with an API key.</summary>
    public async Task LogInAsync(string apiKey)
    {
        await GoAsync("login");
        await Page.FillAsync("input[name=apiKey]", apiKey);
        await Page.ClickAsync("form.login button[type=submit]");
        await WaitForAsync("header form[action='/account/logout']", "login");
    }

    /// <summary>
    /// Goes to an interactive page and waits until its Blazor circuit has attached (the layout then renders
    /// #interactive): typing into the prerendered page before that would be lost when the interactive render replaces it.
    /// </summary>
    public async Task GoInteractiveAsync(string relative)
    {
        await GoAsync(relative);
        await WaitForAsync("#interactive", "circuit for " + relative, visible: false);
    }

    /// <summary>Waits for a selector; on timeout saves a screenshot named after the step and fails with the browser's console.</summary>
    public async Task WaitForAsync(string selector, string step, int timeoutMs = 30_000, bool visible = true)
    {
        try
        {
            await Page.WaitForSelectorAsync(selector, new() { Timeout = timeoutMs, State = visible ? WaitForSelectorState.Visible : WaitForSelectorState.Attached });
        }
        catch (TimeoutException)
        {
            await ScreenshotAsync(step + "-failed");
            var body = (await Page.InnerTextAsync("body")).ReplaceLineEndings(" ");
            Assert.Fail($"{step}: '{selector}' did not appear within {timeoutMs} ms at {Page.Url}\npage: {body[..Math.Min(600, body.Length)]}\nbrowser console:\n{string.Join("\n", Console)}");
        }
    }

    /// <summary>
    /// Fails on any error the browser saw (a failed request, a script error, a chart Plotly refused): a page that
    /// breaks must not pass because the element a test waited for still rendered. Warnings are left to the reader.
    /// </summary>
    public void AssertNoErrors()
    {
        var errors = Console.Where(line => !line.StartsWith("warning:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, "the browser saw errors:\n" + string.Join("\n", errors));
    }

    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new() { Path = Path.Combine(_shots, string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '-')) + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
