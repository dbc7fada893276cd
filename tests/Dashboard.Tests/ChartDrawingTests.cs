using System.Text.Json;
using Bunit;
using Microsoft.JSInterop;
using ScaleLab.Dashboard.Components.Charts;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// A chart reaches Plotly in one call per change (charts.js): traces, layout and config together, not again when its
/// page re-renders with the same series, and a figure Plotly refuses is said under the chart.
/// </summary>
public class ChartDrawingTests : BunitContext
{
    private static readonly ChartSeries[] Curves = [new("run-a", [10, 20], [3.0, 2.5]), new("run-b", [10, 20], [3.2, double.NaN])];

    private static JsonElement Figure(JSRuntimeInvocation draw) => (JsonElement)draw.Arguments[1]!;

    [Fact]
    public void A_chart_is_drawn_in_one_call_and_again_only_when_its_series_change()
    {
        JSInterop.SetupVoid("scalelabCharts.draw", _ => true).SetVoidResult();
        var chart = Render<Chart>(p => p.Add(c => c.Id, "c").Add(c => c.Series, Curves).Add(c => c.XTitle, "step"));

        var draw = JSInterop.VerifyInvoke("scalelabCharts.draw");
        var figure = Figure(draw);
        Assert.Equal(["scatter", "scatter"], figure.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("type").GetString()));
        Assert.Equal("run-b", figure.GetProperty("data")[1].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, figure.GetProperty("data")[1].GetProperty("y")[1].ValueKind);   // NaN is a gap
        Assert.Equal("log", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("step", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.True(figure.GetProperty("config").GetProperty("responsive").GetBoolean());

        chart.Render(p => p.Add(c => c.Series, Curves));   // a live refresh with nothing new
        JSInterop.VerifyInvoke("scalelabCharts.draw", calledTimes: 1);

        chart.Render(p => p.Add(c => c.Series, [Curves[0]]));
        var redraw = JSInterop.VerifyInvoke("scalelabCharts.draw", calledTimes: 2)[1];
        Assert.Single(Figure(redraw).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public void A_figure_plotly_refuses_is_said_under_the_chart_and_the_next_one_clears_it()
    {
        var plotly = JSInterop.SetupVoid("scalelabCharts.draw", _ => true);
        plotly.SetException(new JSException("Invalid trace"));

        var chart = Render<Chart>(p => p.Add(c => c.Id, "c").Add(c => c.Series, Curves));

        chart.WaitForAssertion(() => Assert.Contains("Invalid trace", chart.Find("#c-error").TextContent));
        plotly.SetVoidResult();
        chart.Render(p => p.Add(c => c.Series, [Curves[0]]));
        chart.WaitForAssertion(() => Assert.Empty(chart.FindAll("#c-error")));
    }
}
