using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Account;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Shared.Tests;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// The sweep page's runs table sorted by a config field (shown in a column of its own) or a metric, and filtered by
/// expressions, on the 112 real runs of the H200 IsoFLOP study: the rows kept and their order, the messages under the
/// filter box, and the order and filter kept in the address.
/// </summary>
public class RunTableSortFilterTests : BunitContext
{
    private static readonly Guid SweepId = GpuStudy.Sweep.Sweep.Id;
    private static readonly IReadOnlyList<RunSummary> Runs = GpuStudy.Sweep.Runs;

    public RunTableSortFilterTests()
    {
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new DashboardSessions(TimeProvider.System));
        Services.AddSingleton(new FakeApi(request => request.RequestUri!.AbsolutePath switch
        {
            var p when p.EndsWith("/fields") => FakeApi.Json(GpuStudy.Fields),
            var p when p.EndsWith("/runs/curves") => FakeApi.Json(Array.Empty<MetricSeries>()),   // the chart is not what these tests look at
            _ => FakeApi.Json(GpuStudy.Sweep),
        }).Client());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private IRenderedComponent<SweepPage> Open(RunSort? sort = null, string? filter = null)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(RunsQuery.Sweep(SweepId, null, [], sort, filter));   // the address a link opens
        var page = Render<SweepPage>(p => p.Add(c => c.Id, SweepId));
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("#runs-sort option"), o => o.GetAttribute("value") == "dModel"));   // the fields have come
        return page;
    }

    private string Address => Services.GetRequiredService<NavigationManager>().Uri;

    private static string[] Names(IRenderedComponent<SweepPage> page) => [.. page.FindAll("table.runs tbody td a[href^='runs/']").Select(a => a.TextContent)];

    private static string[] Column(IRenderedComponent<SweepPage> page) => [.. page.FindAll("table.runs tbody td.field").Select(td => td.TextContent)];

    private static string Errors(IRenderedComponent<SweepPage> page) => page.Find(".runs-tools + #runs-filter-errors").TextContent;   // right under the filter box

    private static string[] NamesWhere(Func<RunSummary, ScaleLab.Runs.RunConfig, bool> keep) => [.. Runs.Where(r => keep(r, GpuStudy.Configs[r.Id])).Select(r => r.Name)];

    [Fact]
    public async Task Sorting_by_a_config_field_orders_the_rows_numerically_and_shows_the_field_in_a_column()
    {
        var page = Open();

        await page.InvokeAsync(() => page.Find("#runs-sort").Change("dModel"));

        page.WaitForAssertion(() => Assert.Equal(Runs.OrderBy(r => GpuStudy.Configs[r.Id].DModel).Select(r => r.Name), Names(page)));   // stable: ties in submission order
        Assert.Equal(Runs.Select(r => GpuStudy.Configs[r.Id].DModel).Order().Select(d => d.ToString()), Column(page));                 // 64 … 96 … 256, not as text
        Assert.Equal("dModel ▲", page.Find("table.runs th.field").TextContent);
        Assert.EndsWith($"sweeps/{SweepId}?sort=dModel", Address);

        await page.InvokeAsync(() => page.Find("#runs-sort-direction").Click());

        page.WaitForAssertion(() => Assert.Equal(Runs.OrderByDescending(r => GpuStudy.Configs[r.Id].DModel).Select(r => r.Name), Names(page)));
        Assert.Equal("256", Column(page)[0]);
        Assert.EndsWith($"sweeps/{SweepId}?sort=-dModel", Address);

        await page.InvokeAsync(() => page.Find("button.sort[data-column='loss']").Click());   // a metric with a column of its own

        page.WaitForAssertion(() => Assert.Equal(Runs.OrderBy(r => r.FinalLoss).Select(r => r.Name), Names(page)));
        Assert.Empty(page.FindAll("table.runs th.field"));
        Assert.EndsWith($"sweeps/{SweepId}?sort=loss", Address);
    }

    [Fact]
    public async Task A_filter_expression_keeps_the_matching_runs_and_goes_into_the_address()
    {
        var page = Open();

        await page.InvokeAsync(() => page.Find("#runs-filter").Input("mixer=gla dModel>=192 loss<2.95"));

        var kept = NamesWhere((r, c) => c.Mixer == "gla" && c.DModel >= 192 && r.FinalLoss < 2.95);
        Assert.InRange(kept.Length, 2, 40);
        page.WaitForAssertion(() => Assert.Equal(kept, Names(page)));
        Assert.Contains($"{kept.Length} of 112 runs", page.Find(".runs-tools").TextContent);
        Assert.Empty(page.FindAll("#runs-filter-errors"));
        Assert.EndsWith($"sweeps/{SweepId}?filter=mixer%3Dgla%20dModel%3E%3D192%20loss%3C2.95", Address);
    }

    [Fact]
    public async Task An_unknown_field_or_a_malformed_expression_is_shown_under_the_filter_box()
    {
        var page = Open();

        await page.InvokeAsync(() => page.Find("#runs-filter").Input("width=64 mixer=softmax"));

        page.WaitForAssertion(() => Assert.StartsWith("No field ‘width’ in ‘width=64’. Fields: name, status,", Errors(page)));
        Assert.Contains("dModel, mixer,", Errors(page));
        Assert.Equal(NamesWhere((_, c) => c.Mixer == "softmax"), Names(page));             // the rest of the filter applies

        await page.InvokeAsync(() => page.Find("#runs-filter").Input("loss<"));
        page.WaitForAssertion(() => Assert.Equal("‘loss<’ has no value after <.", Errors(page)));
        Assert.Equal(112, Names(page).Length);

        await page.InvokeAsync(() => page.Find("#runs-filter").Input("loss<2.8"));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#runs-filter-errors")));
        Assert.Equal(NamesWhere((r, _) => r.FinalLoss < 2.8), Names(page));
    }

    [Fact]
    public void A_link_with_an_order_and_a_filter_opens_the_same_view()
    {
        var page = Open(new RunSort(RunFields.Loss, Descending: true), "mixer=softmax budget=1e13");

        var expected = Runs.Where(r => GpuStudy.Configs[r.Id].Mixer == "softmax" && r.PlannedFlops < 2e13).OrderByDescending(r => r.FinalLoss).Select(r => r.Name);
        page.WaitForAssertion(() => Assert.Equal(expected, Names(page)));
        Assert.Equal(14, Names(page).Length);
        Assert.Equal("mixer=softmax budget=1e13", page.Find("#runs-filter").GetAttribute("value"));
        Assert.Equal("loss", page.Find("#runs-sort option[selected]").GetAttribute("value"));
        Assert.Equal("loss", page.Find("th[aria-sort='descending'] button").GetAttribute("data-column"));
        Assert.Equal("▼ descending", page.Find("#runs-sort-direction").TextContent);
    }
}
