using ScaleLab.Dashboard.Components.Charts;
using ScaleLab.Dashboard.Scaling;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Tests;

public class ScalingChartsTests
{
    [Fact]
    public void Loss_versus_compute_draws_the_runs_the_band_around_the_frontier_and_the_frontier()
    {
        var view = Fits.View(Fits.IsoFlopPoints(), FitLaw.Chinchilla);

        var series = ScalingCharts.LossVersusCompute(view);

        Assert.Equal(["runs", "band", "frontier"], series.Select(s => s.Name));
        Assert.Equal(20, series[0].X.Count);
        var band = series[1];
        var frontier = series[2];
        Assert.Equal(SeriesKind.Band, band.Kind);
        for (var i = 0; i < frontier.X.Count; i++)
            Assert.InRange(frontier.Y[i], band.Y[i], band.Upper![i]);
        // Every run lies on or above the compute-optimal frontier (it is the best loss for its compute).
        foreach (var (c, loss) in series[0].X.Zip(series[0].Y))
            Assert.True(loss >= Fits.Hoffmann.ComputeOptimal(c).Loss - 1e-9);
    }

    [Fact]
    public void IsoFlop_profiles_draw_each_budget_with_its_parabola_and_the_minima()
    {
        var view = Fits.View(Fits.IsoFlopPoints(), FitLaw.IsoFlop, bootstrap: 0);
        var group = view.Result!.Groups.Single();

        var series = ScalingCharts.IsoFlopProfiles(view, group);

        Assert.Equal(4 * 2 + 1, series.Count); // points and parabola per budget, then the minima
        var minima = series[^1];
        Assert.Equal(group.Profiles.Select(p => p.NOpt), minima.X);
        // The parabola's lowest sampled value is close to its vertex.
        var parabola = series[1];
        Assert.InRange(parabola.Y.Min(), group.Profiles[0].LossAtOpt - 1e-9, group.Profiles[0].LossAtOpt + 0.01);
    }

    [Fact]
    public void Allocation_draws_N_opt_and_D_opt_with_bands_and_is_empty_for_the_compute_law()
    {
        var chinchilla = Fits.View(Fits.IsoFlopPoints(), FitLaw.Chinchilla).Result!.Groups.Single();
        var compute = Fits.View(Fits.IsoFlopPoints(), FitLaw.Compute).Result!.Groups.Single();

        Assert.Equal(["N_opt band", "N_opt", "D_opt band", "D_opt"], ScalingCharts.Allocation(chinchilla).Select(s => s.Name));
        Assert.Empty(ScalingCharts.Allocation(compute));
    }

    [Fact]
    public void Traces_switch_to_webgl_for_large_charts_and_a_band_is_two_filled_traces()
    {
        var big = new ChartSeries("big", Enumerable.Range(1, 5000).Select(i => (double)i).ToList(), Enumerable.Range(1, 5000).Select(i => 1.0 / i).ToList());
        var band = new ChartSeries("band", [1, 2], [1, 1], SeriesKind.Band) { Upper = [2, 2] };

        Assert.IsType<Plotly.Blazor.Traces.ScatterGl>(ChartTraces.Build([big]).Single());
        var traces = ChartTraces.Build([band]);
        Assert.Equal(2, traces.Count);
        Assert.Equal(Plotly.Blazor.Traces.ScatterLib.FillEnum.ToNextY, ((Plotly.Blazor.Traces.Scatter)traces[1]).Fill);
    }
}
