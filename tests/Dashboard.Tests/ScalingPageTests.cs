using System.Net;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// The Scaling page on an IsoFLOP fit extrapolated past its data (the fit whose figure once failed in Plotly while the
/// page said nothing): every figure reaches Plotly as numbers or gaps, and a figure Plotly refuses says so in its place.
/// In a browser, <c>DashboardFailureTests</c> has Plotly itself draw such a fit.
/// </summary>
public class ScalingPageTests : BunitContext
{
    private static readonly Guid Sweep = Guid.Parse("0191c9a0-0000-7000-8000-0000000000b1");

    private static readonly string[] Charts = ["scaling-frontier", "scaling-residuals", "scaling-isoflop-all", "scaling-allocation-all"];

    public ScalingPageTests()
    {
        var view = Fits.View(Fits.IsoFlopPoints(), FitLaw.IsoFlop, bootstrap: 30, targetCompute: 1e23);
        var fit = JsonSerializer.Serialize(view, ScalingViewJson.Options);
        Services.AddSingleton(new FakeApi(request => request.RequestUri!.AbsolutePath == "/api/fits/preview"
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(fit, Encoding.UTF8, "application/json") }
            : FakeApi.Json(new Page<SweepSummary>([], 0, 1, 100))).Client());   // the sweep picker's list
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NavigationManager>().NavigateTo($"scaling?sweeps={Sweep}&law=isoflop&bootstrap=30&compute=1e23");
    }

    /// <summary>Every value of every trace's x and y: a JSON number or null (a gap); Plotly has no NaN.</summary>
    private static void AssertNumbersOrGaps(JsonElement figure)
    {
        foreach (var trace in figure.GetProperty("data").EnumerateArray())
            foreach (var axis in new[] { "x", "y" })
                Assert.All(trace.GetProperty(axis).EnumerateArray(), v => Assert.Contains(v.ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null }));
    }

    [Fact]
    public void An_isoflop_fit_with_an_extrapolation_target_draws_every_figure()
    {
        JSInterop.SetupVoid("scalelabCharts.draw", _ => true).SetVoidResult();

        var page = Render<ScalingPage>();

        page.WaitForAssertion(() => Assert.Equal(Charts, page.FindComponents<Chart>().Select(c => c.Instance.Id)), TimeSpan.FromSeconds(10));
        Assert.Equal("At C = 1E+23 FLOPs", page.Find("#extrapolation h2").TextContent);
        Assert.Matches(@"^\d\.\d+E\+1\d", page.Find("#extrapolation dd[data-key=N_opt]").TextContent);
        var draws = JSInterop.Invocations["scalelabCharts.draw"];
        Assert.True(draws.Count >= Charts.Length, $"{draws.Count} figures drawn for {Charts.Length} charts");
        foreach (var draw in draws) AssertNumbersOrGaps((JsonElement)draw.Arguments[1]!);
        Assert.Empty(page.FindAll(".chart-error"));
    }

    [Fact]
    public void A_figure_plotly_refuses_is_said_in_its_place_and_the_fit_stays_on_the_page()
    {
        JSInterop.SetupVoid("scalelabCharts.draw", _ => true).SetException(new JSException("Something went wrong with axis scaling\nat Plotly.react"));

        var page = Render<ScalingPage>();

        page.WaitForAssertion(() => Assert.Equal(Charts.Length, page.FindAll(".chart-error").Count), TimeSpan.FromSeconds(10));
        foreach (var chart in Charts)
            Assert.Equal("This chart could not be drawn: Something went wrong with axis scaling", page.Find($"#{chart}-error").TextContent);
        Assert.NotEmpty(page.FindAll("#scaling-params td[data-key=a]"));
    }
}
