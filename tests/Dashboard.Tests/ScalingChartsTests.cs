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
        Assert.Equal(["C=1E+18", "C=1E+19", "C=1E+20", "C=1E+21"], series.Where(s => s.ShowInLegend && s.Kind == SeriesKind.Markers).Select(s => s.Name));
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
    public void Many_markers_switch_to_webgl_lines_stay_svg_up_to_a_page_budget_and_a_band_is_two_filled_traces()
    {
        static ChartSeries Big(int points, SeriesKind kind) =>
            new("big", Enumerable.Range(1, points).Select(i => (double)i).ToList(), Enumerable.Range(1, points).Select(i => 1.0 / i).ToList(), kind);
        var band = new ChartSeries("band", [1, 2], [1, 1], SeriesKind.Band) { Upper = [2, 2] };

        Assert.IsType<Plotly.Blazor.Traces.ScatterGl>(ChartTraces.Build([Big(5000, SeriesKind.Markers)]).Single());
        Assert.IsType<Plotly.Blazor.Traces.Scatter>(ChartTraces.Build([Big(20_000, SeriesKind.Line)]).Single());   // one SVG path
        Assert.IsType<Plotly.Blazor.Traces.ScatterGl>(ChartTraces.Build([Big(ChartTraces.WebGlPoints + 1, SeriesKind.Line)]).Single());
        var traces = ChartTraces.Build([band]);
        Assert.Equal(2, traces.Count);
        Assert.Equal(Plotly.Blazor.Traces.ScatterLib.FillEnum.ToNextY, ((Plotly.Blazor.Traces.Scatter)traces[1]).Fill);
    }
}

public class ResidualChartTests
{
    [Fact]
    public void The_residual_chart_plots_each_used_point_against_compute_around_a_zero_line()
    {
        var result = Fits.View(Fits.IsoFlopPoints(), FitLaw.IsoFlop).Result!;
        var series = ScalingCharts.Residuals(result);

        var markers = series.Single(s => s.Kind == SeriesKind.Markers);
        Assert.Equal(result.Groups[0].Used.Select(r => r.Point.Compute), markers.X);
        Assert.Equal(result.Groups[0].Used.Select(r => r.LogResidual), markers.Y);
        Assert.All(markers.Y, y => Assert.InRange(Math.Abs(y), 0, 0.05)); // noise-free points on parabolas: small residuals
        Assert.Equal([0.0, 0.0], series.Single(s => s.Name == "zero").Y);
    }
}

public class DegenerateFitTests
{
    private static FitResult Degenerate() => new(FitLaw.Chinchilla, 6, 200, 1, 0.95, 3e9,
    [
        new GroupFit("all", 6,
            new Dictionary<string, Estimate> { ["E"] = new(1e-89), ["alpha"] = new(-39.2, -39.3, -33.9), ["beta"] = new(0.097) },
            new Dictionary<string, Estimate> { ["N_opt"] = new(double.NaN), ["a"] = new(-0.002) },
            [], 60, [new FrontierPoint(1e9, new Estimate(double.NaN), null, null), new FrontierPoint(2e9, new Estimate(2.5), null, null)]),
    ], []);

    [Fact]
    public void Non_finite_values_become_gaps_in_charts_and_nulls_in_json()
    {
        var trace = (Plotly.Blazor.Traces.Scatter)ChartTraces.Build([new ChartSeries("f", [1e9, 2e9], [double.NaN, 2.5])]).Single();
        Assert.Equal([null, 2.5], trace.Y);

        var view = new ScaleLab.Catalog.ScalingView([new ScalingPoint(1e3, 1e6, 3.0, 1e9)], Degenerate() with
        {
            Groups = [Degenerate().Groups[0] with { Frontier = [new FrontierPoint(1e9, new Estimate(double.NaN, 2.0, 3.0), null, null), new FrontierPoint(2e9, new Estimate(2.5, 2.4, 2.6), null, null)] }],
        }, new Dictionary<string, string[]>());
        var band = ScalingCharts.LossVersusCompute(view).Single(s => s.Kind == SeriesKind.Band);
        Assert.True(double.IsNaN(band.Y[0]) && double.IsNaN(band.Upper![0]));   // no band where the fit has no value
        Assert.Equal(2.4, band.Y[1]);

        var json = FitResultJson.Write(Degenerate()).ToJsonString();
        Assert.Contains("\"N_opt\":null", json);
        Assert.Contains("\"loss\":null", json);
    }
}

public class ManyRunsTests
{
    [Fact]
    public void A_thousand_run_curves_become_one_trace_per_colour_with_gaps_and_named_points()
    {
        var runs = Enumerable.Range(0, 1000)
            .Select(i => new ChartSeries($"run-{i}", [10, 20], [3.0, 2.5]) { Color = i }).ToList();

        var traces = ChartTraces.Build(runs);

        Assert.Equal(ChartPalette.Count, traces.Count);
        var first = (Plotly.Blazor.Traces.Scatter)traces[0];
        var perColour = 1000 / ChartPalette.Count;
        Assert.Equal(perColour * 3, first.X.Count);      // the runs of this colour, two points and a gap each
        Assert.Null(first.X[2]);                         // the gap
        Assert.Equal("run-0", first.TextArray[0]);
        Assert.Equal($"run-{ChartPalette.Count}", first.TextArray[3]);   // the next run of the same colour
    }

    [Fact]
    public void Csv_export_keeps_one_series_per_run_even_when_drawn_merged()
    {
        var runs = Enumerable.Range(0, 60).Select(i => new ChartSeries($"run-{i}", [10], [3.0]) { Color = i }).ToList();

        var csv = ChartCsv.Write(runs, "step", "loss");

        Assert.Equal(61, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("run-59,10,3,,", csv);
    }
}
