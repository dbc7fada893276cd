using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Account;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Shared.Tests;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// Runs ticked in the sweep page's table to compare: the ticks are kept by run, through sort, filter and grouping, and
/// in the address; Compare links to the comparison of the ticked runs; at most 12, and the page says so.
/// </summary>
public class RunSelectionTests : BunitContext
{
    private static readonly Guid SweepId = GpuStudy.Sweep.Sweep.Id;
    private static readonly IReadOnlyList<RunSummary> Runs = GpuStudy.Sweep.Runs;

    public RunSelectionTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new DashboardSessions(TimeProvider.System));
        Services.AddSingleton(new FakeApi(request => request.RequestUri!.AbsolutePath switch
        {
            var p when p.EndsWith("/fields") => FakeApi.Json(GpuStudy.Fields),
            var p when p.EndsWith("/runs/curves") => FakeApi.Json(Array.Empty<MetricSeries>()),
            _ => FakeApi.Json(GpuStudy.Sweep),
        }).Client());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private IRenderedComponent<SweepPage> Open(params Guid[] selected)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(RunsQuery.Sweep(SweepId, null, selected));
        var page = Render<SweepPage>(p => p.Add(c => c.Id, SweepId));
        page.WaitForAssertion(() => Assert.Equal(Runs.Count, page.FindAll("td.pick input").Count));
        return page;
    }

    private static Task Tick(IRenderedComponent<SweepPage> page, Guid run) =>
        page.InvokeAsync(() => page.Find($"td.pick input[data-run='{run}']").Change(true));

    private static Guid[] Ticked(IRenderedComponent<SweepPage> page) =>
        [.. page.FindAll("td.pick input").Where(i => i.HasAttribute("checked")).Select(i => Guid.Parse(i.GetAttribute("data-run")!))];

    private string Address => Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public async Task Ticked_runs_are_compared_by_a_link_and_kept_in_the_address()
    {
        var page = Open();
        Assert.True(page.Find("#compare-runs").HasAttribute("disabled"));                  // nothing to compare yet

        await Tick(page, Runs[5].Id);
        await Tick(page, Runs[2].Id);

        page.WaitForAssertion(() => Assert.Equal($"compare?runs={Runs[5].Id},{Runs[2].Id}", page.Find("a#compare-runs").GetAttribute("href")));
        Assert.Equal("Compare (2)", page.Find("#compare-runs").TextContent);
        Assert.EndsWith($"sweeps/{SweepId}?selected={Runs[5].Id},{Runs[2].Id}", Address);
        Assert.Equal(2, page.FindAll("tr.selected").Count);
        await page.InvokeAsync(() => page.Find("#clear-selection").Click());
        page.WaitForAssertion(() => Assert.Empty(Ticked(page)));
        Assert.EndsWith($"sweeps/{SweepId}", Address);
    }

    [Fact]
    public async Task Ticks_survive_sorting_filtering_and_grouping()
    {
        var page = Open();
        var (gla, softmax) = (Runs.First(r => r.Name.Contains("\"gla\"")), Runs.First(r => r.Name.Contains("\"softmax\"")));
        await Tick(page, gla.Id);
        await Tick(page, softmax.Id);

        await page.InvokeAsync(() => page.Find("button.sort[data-column='loss']").Click());
        page.WaitForAssertion(() => Assert.Equal(new[] { gla.Id, softmax.Id }.Order(), Ticked(page).Order()));    // sorted: other rows around them
        await page.InvokeAsync(() => page.Find("#runs-filter").Input("softmax"));              // hides the GLA run
        page.WaitForAssertion(() => Assert.Equal([softmax.Id], Ticked(page)));
        Assert.Equal("Compare (2)", page.Find("#compare-runs").TextContent);                   // a hidden tick still counts
        await page.InvokeAsync(() => page.Find("#runs-filter").Input(""));
        await page.InvokeAsync(() => page.Find("#runs-group").Change("mixer"));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr.group").Count));
        Assert.Equal(new[] { gla.Id, softmax.Id }.Order(), Ticked(page).Order());
        Assert.Contains($"?groupBy=mixer&selected={gla.Id},{softmax.Id}", Address);
    }

    [Fact]
    public async Task At_most_twelve_runs_can_be_ticked_and_the_page_says_why()
    {
        var page = Open([.. Runs.Take(RunComparison.MaxRuns - 1).Select(r => r.Id)]);
        Assert.Equal(11, Ticked(page).Length);
        Assert.Empty(page.FindAll(".selection-limit"));

        await Tick(page, Runs[20].Id);

        page.WaitForAssertion(() => Assert.Equal("12 runs selected, the most compared at once: untick one to pick another.", page.Find(".selection-limit").TextContent));
        Assert.True(page.Find($"td.pick input[data-run='{Runs[21].Id}']").HasAttribute("disabled"));
        Assert.False(page.Find($"td.pick input[data-run='{Runs[20].Id}']").HasAttribute("disabled"));   // a ticked one can be unticked
        await page.InvokeAsync(() => page.Find($"td.pick input[data-run='{Runs[20].Id}']").Change(false));
        page.WaitForAssertion(() => Assert.False(page.Find($"td.pick input[data-run='{Runs[21].Id}']").HasAttribute("disabled")));
    }

    [Fact]
    public void A_link_with_ticked_runs_opens_with_them_ticked()
    {
        var page = Open(Runs[7].Id, Runs[3].Id);

        Assert.Equal([Runs[3].Id, Runs[7].Id], Ticked(page));                                // table order
        Assert.Equal($"compare?runs={Runs[7].Id},{Runs[3].Id}", page.Find("a#compare-runs").GetAttribute("href"));   // ticked order
    }
}
