using Bunit;
using ScaleLab.Dashboard.Components.Charts;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// A chart's export buttons: PDF beside SVG, drawn at the width every export has; a PDF the server refuses is said under
/// the chart, and the page stays.
/// </summary>
public class ChartExportTests : BunitContext
{
    private static readonly ChartSeries[] Line = [new("runs", [1.0, 2.0], [4.0, 3.5])];

    [Fact]
    public void The_pdf_button_sits_beside_the_svg_one_and_asks_for_the_chart_drawn_at_the_export_width()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        var chart = Render<Chart>(p => p.Add(c => c.Id, "scaling-frontier").Add(c => c.Series, Line).Add(c => c.Height, 380));

        var buttons = chart.FindAll(".chart-tools button").Select(b => b.TextContent).ToList();
        chart.Find(".chart-tools button[title^='Download this chart as PDF']").Click();

        Assert.Equal(["PNG", "SVG", "PDF", "CSV"], buttons);
        var call = Assert.Single(JSInterop.Invocations, i => i.Identifier == "scalelab.downloadPdf");
        Assert.Equal(["scaling-frontier", Chart.ExportWidth, 380], call.Arguments);
        Assert.Empty(chart.FindAll("#scaling-frontier-export-error"));
    }

    [Fact]
    public void A_refused_export_is_said_under_the_chart()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        JSInterop.SetupVoid("scalelab.downloadPdf", _ => true)
            .SetException(new Microsoft.JSInterop.JSException("svg must be at most 16 MiB of SVG\n    at Object.downloadPdf (scalelab.js:26)"));
        var chart = Render<Chart>(p => p.Add(c => c.Id, "sweep-loss").Add(c => c.Series, Line));

        chart.Find(".chart-tools button[title^='Download this chart as PDF']").Click();

        Assert.Equal("This chart could not be exported: svg must be at most 16 MiB of SVG", chart.Find("#sweep-loss-export-error").TextContent);
    }
}
