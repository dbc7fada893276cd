using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Account;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Shared.Tests;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// The sweep page's runs table grouped by a field, on the 112 real runs of the H200 IsoFLOP study: a header per value
/// with its count and summary, collapsible, combined with the filter and the sort, and kept in the address.
/// </summary>
public class RunTableGroupingTests : BunitContext
{
    private static readonly Guid SweepId = GpuStudy.Sweep.Sweep.Id;

    public RunTableGroupingTests()
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

    private IRenderedComponent<SweepPage> Open(string? groupBy = null)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(RunsQuery.Sweep(SweepId, groupBy, []));   // the address a link opens
        var page = Render<SweepPage>(p => p.Add(c => c.Id, SweepId));
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("#runs-group option"), o => o.GetAttribute("value") == "mixer"));   // the fields have come
        return page;
    }

    private static string[] Headers(IRenderedComponent<SweepPage> page) => [.. page.FindAll("tr.group .group-toggle").Select(b => b.TextContent.Trim()[2..])];

    private static string[] Summaries(IRenderedComponent<SweepPage> page) => [.. page.FindAll("tr.group .group-summary").Select(s => s.TextContent)];

    private static int RunRows(IRenderedComponent<SweepPage> page) => page.FindAll("table.runs tbody td.pick").Count;

    /// <summary>Group headers as "# value" and runs by name, in the table's order (not Virtualize's spacer rows).</summary>
    private static string[] Rows(IRenderedComponent<SweepPage> page) =>
        [.. page.FindAll("table.runs tbody tr.group, table.runs tbody tr:has(td.pick)").Select(tr => tr.ClassList.Contains("group") ? "# " + tr.GetAttribute("data-group") : tr.QuerySelector("td a")!.TextContent)];

    [Fact]
    public async Task Grouping_by_a_field_shows_a_header_per_value_with_its_count_and_summary()
    {
        var page = Open();

        await page.InvokeAsync(() => page.Find("#runs-group").Change("mixer"));

        page.WaitForAssertion(() => Assert.Equal(["mixer = gla", "mixer = softmax"], Headers(page)));
        Assert.Equal(
        [
            "56 runs · 56 succeeded · best loss 2.7850 (C=3E+14, N=4.43E+5 (d=96, L=4), mixer=\"gla\", seed=1) · median 2.8958 · median val loss 2.8946",
            "56 runs · 56 succeeded · best loss 2.7824 (C=3E+14, N=2.22E+5 (d=96, L=2), mixer=\"softmax\", seed=2) · median 2.9219 · median val loss 2.9200",
        ], Summaries(page));
        Assert.Equal(112, RunRows(page));
        Assert.Equal(["# gla", .. Enumerable.Repeat("gla", 56), "# softmax", .. Enumerable.Repeat("softmax", 56)],
            Rows(page).Select(r => r.StartsWith('#') ? r : r.Contains("\"gla\"") ? "gla" : "softmax"));
        Assert.Contains("112 of 112 runs in 2 groups", page.Find(".runs-tools").TextContent);
        Assert.EndsWith($"sweeps/{SweepId}?groupBy=mixer", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task A_collapsed_group_keeps_its_header_and_hides_its_runs()
    {
        var page = Open(groupBy: "mixer");
        page.WaitForAssertion(() => Assert.Equal(112, RunRows(page)));

        await page.InvokeAsync(() => page.Find("tr.group[data-group='gla'] .group-toggle").Click());

        page.WaitForAssertion(() => Assert.Equal(56, RunRows(page)));
        Assert.Equal(["mixer = gla", "mixer = softmax"], Headers(page));
        Assert.Equal("false", page.Find("tr.group[data-group='gla'] .group-toggle").GetAttribute("aria-expanded"));
        Assert.Equal("# softmax", Rows(page)[1]);
        await page.InvokeAsync(() => page.Find("tr.group[data-group='gla'] .group-toggle").Click());
        page.WaitForAssertion(() => Assert.Equal(112, RunRows(page)));
    }

    [Fact]
    public async Task Grouping_combines_with_the_filter_and_the_sort()
    {
        var page = Open(groupBy: "mixer");
        page.WaitForAssertion(() => Assert.Equal(2, Headers(page).Length));

        await page.InvokeAsync(() => page.Find("#runs-filter").Input("\"C=3E+14\""));   // quoted: text in the names, not a field C
        await page.InvokeAsync(() => page.Find("button.sort[data-column='loss']").Click());

        page.WaitForAssertion(() => Assert.StartsWith("14 runs · 14 succeeded · best loss 2.7850", Summaries(page)[0]));
        Assert.StartsWith("14 runs · 14 succeeded · best loss 2.7824", Summaries(page)[1]);
        var rows = Rows(page);
        Assert.Equal(30, rows.Length);
        Assert.Equal("C=3E+14, N=4.43E+5 (d=96, L=4), mixer=\"gla\", seed=1", rows[1]);       // each group sorted by loss, best first
        Assert.Equal("C=3E+14, N=2.22E+5 (d=96, L=2), mixer=\"softmax\", seed=2", rows[16]);
        var glaLosses = GpuStudy.Sweep.Runs.Where(r => r.Name.StartsWith("C=3E+14") && r.Name.Contains("\"gla\"")).OrderBy(r => r.FinalLoss).Select(r => r.Name);
        Assert.Equal(glaLosses, rows[1..15]);
        Assert.Contains("28 of 112 runs in 2 groups", page.Find(".runs-tools").TextContent);
    }

    [Fact]
    public void A_link_with_a_grouping_opens_grouped_numbers_in_numeric_order()
    {
        var page = Open(groupBy: "dModel");

        page.WaitForAssertion(() => Assert.Equal(["dModel = 64", "dModel = 96", "dModel = 128", "dModel = 160", "dModel = 192", "dModel = 224", "dModel = 256"], Headers(page)));
        Assert.Equal("dModel", page.Find("#runs-group option[selected]").GetAttribute("value"));
    }

    [Fact]
    public async Task Grouped_by_budget_the_study_shows_its_four_budgets()
    {
        var page = Open();

        await page.InvokeAsync(() => page.Find("#runs-group").Change(RunGroups.Budget));

        page.WaitForAssertion(() => Assert.Equal(["budget ≈ 1E+13 FLOPs", "budget ≈ 3E+13 FLOPs", "budget ≈ 1E+14 FLOPs", "budget ≈ 3E+14 FLOPs"], Headers(page)));
        Assert.All(Summaries(page), s => Assert.StartsWith("28 runs · 28 succeeded · best loss", s));
        await page.InvokeAsync(() => page.Find("#runs-group").Change(""));
        page.WaitForAssertion(() => Assert.Empty(Headers(page)));
        Assert.Equal(112, RunRows(page));
        Assert.EndsWith($"sweeps/{SweepId}", Services.GetRequiredService<NavigationManager>().Uri);
    }
}
