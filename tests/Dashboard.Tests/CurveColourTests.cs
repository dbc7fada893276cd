using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// A sweep's curves coloured by a config field (one colour and one legend entry per value, runs named on hover), and a
/// click on a curve's point opening its run, for a few runs and for a big sweep whose lines are merged.
/// </summary>
public class CurveColourTests : BunitContext
{
    private static CurveChart.NamedCurve Curve(string name, Guid run) => new(name, [1, 2], [4.0, 3.5], [100, 200], [1e9, 2e9], run);

    [Fact]
    public void Runs_with_one_value_share_its_colour_and_legend_entry_in_numeric_order()
    {
        var runs = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        var curves = new[] { Curve("r0", runs[0]), Curve("r1", runs[1]), Curve("r2", runs[2]), Curve("r3", runs[3]) };
        var fields = new SweepFields(["dModel", "mixer"], new Dictionary<Guid, IReadOnlyList<string>>
        {
            [runs[0]] = ["512", "gla"], [runs[1]] = ["64", "gla"], [runs[2]] = ["512", "softmax"], [runs[3]] = ["128", "softmax"],
        });

        var series = CurveChart.ColouredBy(CurveChart.SeriesOf(curves, CurveAxis.Step), curves, fields, "dModel");

        Assert.Equal(["dModel=512", "dModel=64", "dModel=512", "dModel=128"], series.Select(s => s.Name));
        Assert.Equal([2, 0, 2, 1], series.Select(s => s.Color));                      // 64 < 128 < 512, not text order
        Assert.Equal([true, true, false, true], series.Select(s => s.ShowInLegend));
        Assert.Equal(["r2", "r2"], series[2].Labels!);
        var byMixer = CurveChart.ColouredBy(CurveChart.SeriesOf(curves, CurveAxis.Step), curves, fields, "mixer");
        Assert.Equal([0, 0, 1, 1], byMixer.Select(s => s.Color));
    }

    [Fact]
    public void Merged_big_sweeps_keep_one_legend_entry_per_value()
    {
        var runs = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToList();
        var curves = runs.Select((r, i) => Curve($"r{i}", r)).ToArray();
        var fields = new SweepFields(["lr"], runs.Select((r, i) => (r, (IReadOnlyList<string>)[i % 2 == 0 ? "0.001" : "0.003"])).ToDictionary(p => p.r, p => p.Item2));

        var merged = ChartTraces.MergeByColour(CurveChart.ColouredBy(CurveChart.SeriesOf(curves, CurveAxis.Step), curves, fields, "lr"));

        Assert.Equal(["lr=0.001", "lr=0.003"], merged.Select(s => s.Name));
        Assert.All(merged, s => Assert.True(s.ShowInLegend));
        Assert.Contains("r1", merged[1].Labels!);
        var uncoloured = ChartTraces.MergeByColour(CurveChart.SeriesOf(curves, CurveAxis.Step));
        Assert.All(uncoloured, s => Assert.False(s.ShowInLegend));
    }

    [Fact]
    public void The_colour_choice_is_offered_only_when_runs_differ_and_reports_the_field()
    {
        string? chosen = "unset";
        var none = Render<CurveControls>(p => p.Add(c => c.Id, "x").Add(c => c.Fields, Array.Empty<string>()));
        Assert.Empty(none.FindAll("#x-colour"));

        var controls = Render<CurveControls>(p => p.Add(c => c.Id, "x").Add(c => c.Fields, new[] { "dModel", "mixer" })
            .Add(c => c.ColourByChanged, (string? f) => chosen = f));
        Assert.Equal(["", "dModel", "mixer"], controls.FindAll("#x-colour option").Select(o => o.GetAttribute("value")));
        controls.Find("#x-colour").Change("mixer");
        Assert.Equal("mixer", chosen);
        controls.Find("#x-colour").Change("");
        Assert.Null(chosen);
    }

    [Fact]
    public void Clicking_a_point_opens_the_run_of_its_curve_also_when_lines_are_merged()
    {
        var runs = Enumerable.Range(0, 60).Select(_ => Guid.NewGuid()).ToList();
        var curves = runs.Select((r, i) => Curve($"r{i}", r)).ToArray();
        var series = CurveChart.SeriesOf(curves, CurveAxis.Step);

        var few = ChartTraces.Links(series.Take(3).ToList());
        Assert.Equal($"runs/{runs[1]}", few[1]![0]);
        var merged = ChartTraces.Links(series);                                         // 60 lines: one trace per colour
        Assert.Equal(ChartTraces.Build(series).Count, merged.Count);
        var colour = series[25].Color % ChartPalette.Count;
        var trace = merged[colour]!;
        var position = series.Where(s => s.Color % ChartPalette.Count == colour).TakeWhile(s => s != series[25]).Sum(s => s.X.Count + 1);
        Assert.Equal($"runs/{runs[25]}", trace[position + 1]);
        Assert.Null(trace[position + 2]);                                                // the gap after the run goes nowhere

        JSInterop.Mode = JSRuntimeMode.Loose;
        var chart = Render<Chart>(p => p.Add(c => c.Id, "c").Add(c => c.Series, series));
        chart.Instance.OpenClicked([new Plotly.Blazor.Interop.EventDataPoint { CurveNumber = colour, PointNumber = System.Text.Json.JsonDocument.Parse($"{position}").RootElement }]);
        Assert.EndsWith($"/runs/{runs[25]}", Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri);
    }
}
