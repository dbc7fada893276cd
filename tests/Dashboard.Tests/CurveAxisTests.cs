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
    public void The_picker_reports_the_axis_chosen()
    {
        var chosen = new List<CurveAxis>();
        var picker = Render<AxisPicker>(p => p.Add(c => c.Id, "sweep-x").Add(c => c.Value, CurveAxis.Step).Add(c => c.ValueChanged, a => chosen.Add(a)));

        picker.Find("input[value='Flops']").Change(true);
        picker.Find("input[value='Tokens']").Change(true);

        Assert.Equal([CurveAxis.Flops, CurveAxis.Tokens], chosen);
        Assert.True(picker.Find("input[value='Tokens']").HasAttribute("checked"));
    }
}
