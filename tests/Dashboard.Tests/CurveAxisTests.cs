using Bunit;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;

namespace ScaleLab.Dashboard.Tests;

/// <summary>Curves against step, tokens or FLOPs: the x values are the ones each point logged.</summary>
public class CurveAxisTests : BunitContext
{
    private static readonly MetricSeries Logged = new(Guid.NewGuid(), "loss", [10, 20, 30], [4.0, 3.5, 3.2], [5_120, 10_240, 15_360], [3.1e12, 6.2e12, 9.3e12]);

    [Theory]
    [InlineData(CurveAxis.Step, new[] { 10.0, 20, 30 }, "step")]
    [InlineData(CurveAxis.Tokens, new[] { 5_120.0, 10_240, 15_360 }, "tokens")]
    [InlineData(CurveAxis.Flops, new[] { 3.1e12, 6.2e12, 9.3e12 }, "training FLOPs")]
    public void Each_axis_takes_its_logged_values(CurveAxis axis, double[] x, string title)
    {
        var series = CurveChart.SeriesOf([CurveChart.NamedCurve.Of("d256", Logged)], axis).Single();

        Assert.Equal(x, series.X);
        Assert.Equal([4.0, 3.5, 3.2], series.Y);
        Assert.Equal(title, CurveChart.XTitle(axis));
    }

    [Fact]
    public void A_curve_without_points_has_none_on_any_axis()
    {
        var empty = CurveChart.NamedCurve.Of("queued", new MetricSeries(Guid.NewGuid(), "loss", [], []));

        Assert.All(Enum.GetValues<CurveAxis>(), axis => Assert.Empty(CurveChart.SeriesOf([empty], axis).Single().X));
    }

    [Fact]
    public void The_controls_report_the_axis_and_the_smoothing_chosen()
    {
        var (axes, weights) = (new List<CurveAxis>(), new List<double>());
        var controls = Render<CurveControls>(p => p.Add(c => c.Id, "sweep-x").Add(c => c.Axis, CurveAxis.Step).Add(c => c.AxisChanged, a => axes.Add(a))
            .Add(c => c.SmoothingChanged, w => weights.Add(w)));

        controls.Find("input[value='Flops']").Change(true);
        controls.Find("input[value='Tokens']").Change(true);
        controls.Find("select").Change("0.9");

        Assert.Equal([CurveAxis.Flops, CurveAxis.Tokens], axes);
        Assert.True(controls.Find("input[value='Tokens']").HasAttribute("checked"));
        Assert.Equal([0.9], weights);
    }

    [Fact]
    public void Smoothing_is_a_debiased_moving_average_that_skips_gaps()
    {
        // w = 0.5: s1 = 0.5·4 / (1 − 0.5) = 4; s2 = (0.5·2 + 0.5·2) / 0.75 = 2.6667; NaN stays a gap; s4 = (0.5·2 + 0.5·1) / 0.875.
        var smoothed = Smoothing.Ema([4.0, 2.0, double.NaN, 1.0], 0.5);

        Assert.Equal(4.0, smoothed[0], 12);
        Assert.Equal(2.0 / 0.75, smoothed[1], 12);
        Assert.True(double.IsNaN(smoothed[2]));
        Assert.Equal(1.5 / 0.875, smoothed[3], 12);
        Assert.Same(Logged.Values, Smoothing.Ema(Logged.Values, 0));
        var series = CurveChart.SeriesOf([CurveChart.NamedCurve.Of("d256", Logged)], CurveAxis.Tokens, 0.9).Single();
        Assert.Equal(4.0, series.Y[0], 12);           // the first point is not pulled towards zero
        Assert.InRange(series.Y[2], 3.2, 4.0);        // later ones lag behind the curve
    }

    [Fact]
    public void Twenty_runs_get_twenty_colours_before_they_cycle()
    {
        var colours = Enumerable.Range(0, 20).Select(ChartPalette.Solid).ToList();

        Assert.Equal(20, colours.Distinct().Count());
        Assert.Equal(ChartPalette.Solid(0), ChartPalette.Solid(20));
        Assert.Equal("rgba(31,119,180,1)", colours[0]);   // the first ten stay Plotly's own
    }
}
