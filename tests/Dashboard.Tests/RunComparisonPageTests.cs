using System.Net;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Runs;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// Runs compared side by side (/compare?runs=ID,ID), on real runs trained on this machine: one column per run, its
/// metrics with the best loss marked, the config fields they differ in highlighted and those they share folded, their
/// curves overlaid on one chart in the colours of their columns; at most 12 runs, and the page says so.
/// </summary>
public class RunComparisonPageTests : BunitContext
{
    private readonly FakeApi api;

    public RunComparisonPageTests()
    {
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        api = new FakeApi(Answer);
        Services.AddSingleton(api.Client());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>The API's answers for the trained runs: each run by id (404 for any other), and their curves in the order asked.</summary>
    private static HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/runs/curves"))
        {
            var query = JsonDocument.Parse(request.Content!.ReadAsStringAsync().Result).RootElement;
            var metric = query.GetProperty("metric").GetString();
            return FakeApi.Json(query.GetProperty("runIds").EnumerateArray().Select(id => TrainedRuns.All.Single(r => r.Id == id.GetGuid()))
                .Select(r => metric == MetricNames.ValLoss ? r.ValLoss : r.Loss).ToList());
        }
        var run = TrainedRuns.All.SingleOrDefault(r => path.EndsWith($"/runs/{r.Id}"));
        return run is null ? new HttpResponseMessage(HttpStatusCode.NotFound) : FakeApi.Json(run.Detail);
    }

    private static readonly TrainedRuns.Trained[] Three =
        [TrainedRuns.Named("d32-s600-cosine"), TrainedRuns.Named("d32-s600-wsd"), TrainedRuns.Named("d64-s1200-wsd")];

    private IRenderedComponent<RunComparisonPage> Open(IEnumerable<Guid> runs)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(RunsQuery.Compare(runs));
        return Render<RunComparisonPage>();
    }

    private static string[] Cells(IRenderedComponent<RunComparisonPage> page, string row) =>
        [.. page.FindAll($"table.compare tr[data-field='{row}'] td").Select(td => td.TextContent)];

    [Fact]
    public void Runs_stand_in_columns_with_the_fields_they_differ_in_highlighted_and_the_rest_folded()
    {
        var page = Open(Three.Select(r => r.Id));

        page.WaitForAssertion(() => Assert.Equal(Three.Select(r => r.Name), page.FindAll("table.compare thead th[data-run] a").Select(a => a.TextContent)));
        Assert.Equal(["3.6455", "3.4923", "2.9512"], Cells(page, "Final loss"));
        Assert.Equal(2, page.FindAll("table.compare tr[data-field='Final loss'] td").ToList().FindIndex(td => td.ClassList.Contains("best")));
        Assert.Equal(["3.058E+11", "3.058E+11", "1.963E+12"], Cells(page, "FLOPs"));
        Assert.Equal(["1,228,800", "1,228,800", "2,457,600"], Cells(page, "Tokens"));
        Assert.Equal(["7 min 41 s", "4 min 45 s", "2 min 41 s"], Cells(page, "Duration"));
        Assert.Equal(["Succeeded", "Succeeded", "Succeeded"], Cells(page, "Status"));

        Assert.Equal(["dModel", "tokens", "seed", "schedule"], page.FindAll("tbody.config-differing tr.differs").Select(tr => tr.GetAttribute("data-field")));
        Assert.Equal(["cosine", "wsd", "wsd"], Cells(page, "schedule"));
        Assert.Contains("Config: 4 fields differ", page.Find("tbody.config-differing").TextContent);
        Assert.Empty(page.FindAll("tbody.config-shared tr.same"));                                // folded
        var shared = page.Find("#toggle-shared");
        Assert.Equal("false", shared.GetAttribute("aria-expanded"));
        shared.Click();
        var same = page.FindAll("tbody.config-shared tr.same");
        Assert.Contains(same, tr => tr.GetAttribute("data-field") == "task");
        Assert.Equal(["hmm", "hmm", "hmm"], Cells(page, "task"));
        Assert.Contains($"{same.Count} fields the same in every run", page.Find("#toggle-shared").TextContent);
        Assert.Empty(page.FindAll("tbody.config-shared tr.differs"));
    }

    [Fact]
    public async Task The_table_copies_as_latex_as_shown_with_the_shared_fields_once_unfolded()
    {
        var page = Open(Three.Select(r => r.Id));
        var compared = RunComparison.Of([.. Three.Select(r => r.Detail)]);
        string Copied() => (string)JSInterop.Invocations["navigator.clipboard.writeText"][^1].Arguments.Single()!;

        page.WaitForElement("#compare-copy-latex");
        await page.InvokeAsync(() => page.Find("#compare-copy-latex").Click());
        Assert.Equal(ComparisonLatex.Write(compared, withShared: false), Copied());
        Assert.Contains(@"Final loss & 3.6455 & 3.4923 & \textbf{2.9512} \\", Copied());
        Assert.DoesNotContain("the same in every run", Copied());

        await page.InvokeAsync(() => page.Find("#toggle-shared").Click());
        await page.InvokeAsync(() => page.Find("#compare-copy-latex").Click());
        Assert.Equal(ComparisonLatex.Write(compared, withShared: true), Copied());
        Assert.Contains("task & hmm & hmm & hmm", Copied());
    }

    [Fact]
    public async Task Their_curves_are_overlaid_on_one_chart_in_the_colours_of_their_columns()
    {
        var page = Open(Three.Select(r => r.Id));

        page.WaitForAssertion(() => Assert.Single(page.FindComponents<Chart>(), c => c.Instance.Id == "compare-curves"));
        var chart = page.FindComponents<Chart>().Single();
        var series = chart.Instance.Series;
        Assert.Equal(Three.Select(r => r.Name), series.Select(s => s.Name));
        Assert.Equal([0, 1, 2], series.Select(s => s.Color));
        for (var i = 0; i < Three.Length; i++)
        {
            Assert.Equal(Three[i].Loss.Steps.Select(s => (double)s), series[i].X);              // every logged point: 60, 60 and 120
            Assert.Equal(Three[i].Loss.Values, series[i].Y);
            Assert.Contains(ChartPalette.Solid(i), page.Find($"th[data-run='{Three[i].Id}'] .swatch").GetAttribute("style"));
        }
        Assert.Equal("training loss", chart.Instance.YTitle);

        await page.InvokeAsync(() => page.Find("#compare-metric").Change(MetricNames.ValLoss));
        page.WaitForAssertion(() => Assert.Equal("validation loss", page.FindComponents<Chart>().Single().Instance.YTitle));
        Assert.Equal(Three.Select(r => r.ValLoss.Values[^1]), page.FindComponents<Chart>().Single().Instance.Series.Select(s => s.Y[^1]));
        Assert.Contains(api.Requests, r => r.Path == "/api/runs/curves" && r.Body!.Contains("\"val_loss\""));
    }

    [Fact]
    public void More_runs_than_can_be_compared_are_cut_to_twelve_and_missing_runs_are_named()
    {
        var unknown = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var page = Open([.. TrainedRuns.All.Select(r => r.Id), .. unknown]);                 // 8 real runs and 5 that do not exist: 13

        page.WaitForAssertion(() => Assert.Equal(8, page.FindAll("table.compare thead th[data-run]").Count));
        Assert.Equal("13 runs were linked; the first 12 are compared (at most 12 at once).", page.Find("#compare-cap").TextContent);
        Assert.Equal($"No such run: {string.Join(", ", unknown.Take(4))}.", page.Find("#compare-missing").TextContent);   // the 13th was not asked for
        Assert.DoesNotContain(api.Requests, r => r.Path.EndsWith(unknown[4].ToString()));
    }

    [Fact]
    public void Runs_of_one_sweep_link_back_to_it_with_them_ticked()
    {
        var page = Open(Three.Select(r => r.Id));

        page.WaitForAssertion(() => Assert.Equal(RunsQuery.Sweep(Three[0].Detail.Run.SweepId, null, Three.Select(r => r.Id)), page.Find("#back-to-sweep").GetAttribute("href")));
    }

    [Fact]
    public void Without_runs_the_page_says_how_to_choose_them()
    {
        var page = Open([]);

        Assert.Contains("No runs to compare: tick runs in a sweep's runs table and press Compare", page.Markup);
        Assert.Empty(api.Requests);
    }
}
