using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Scaling;

/// <summary>The series of the Scaling and Ablations pages, computed from a fit: pure, so the pictures are unit-tested.</summary>
public static class ScalingCharts
{
    /// <summary>Loss against compute: each group's runs as points, its fitted frontier as a line, and the frontier's band.</summary>
    public static IReadOnlyList<ChartSeries> LossVersusCompute(ScalingView view)
    {
        var series = new List<ChartSeries>();
        var groups = view.Result?.Groups ?? [];
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            var label = groups.Count == 1 ? "" : g.Group + " ";
            var points = PointsOf(view, g.Group);
            series.Add(new ChartSeries(label + "runs", points.Select(p => p.Compute).ToList(), points.Select(p => p.Loss).ToList(), SeriesKind.Markers)
            {
                Color = i, Labels = points.Select(p => $"N={NumberFormat.Short(p.N)} D={NumberFormat.Short(p.D)}").ToList(),
            });
            if (g.Frontier.Count == 0) continue;
            var compute = g.Frontier.Select(f => f.Compute).ToList();
            if (g.Frontier.All(f => f.Loss.Low is not null))
                series.Add(new ChartSeries(label + "band", compute, g.Frontier.Select(f => Edge(f.Loss, f.Loss.Low!.Value)).ToList(), SeriesKind.Band)
                {
                    Color = i, Upper = g.Frontier.Select(f => Edge(f.Loss, f.Loss.High!.Value)).ToList(), ShowInLegend = false,
                });
            series.Add(new ChartSeries(label + "frontier", compute, g.Frontier.Select(f => f.Loss.Value).ToList()) { Color = i });
        }
        return series;
    }

    /// <summary>IsoFLOP profiles: per budget, the runs' loss against N, the fitted parabola, and its minimum.</summary>
    public static IReadOnlyList<ChartSeries> IsoFlopProfiles(ScalingView view, GroupFit group)
    {
        var series = new List<ChartSeries>();
        var budgets = IsoFlopAnalysis.GroupByBudget(PointsOf(view, group.Group));
        for (var k = 0; k < group.Profiles.Count; k++)
        {
            var profile = group.Profiles[k];
            var budget = budgets.FirstOrDefault(b => Math.Abs(Math.Log10(b.Average(p => p.Compute)) - Math.Log10(profile.Compute)) < IsoFlopAnalysis.BudgetTolerance);
            var name = $"C={NumberFormat.Short(profile.Compute)}";
            if (budget is not null)
            {
                series.Add(new ChartSeries(name, budget.Select(p => p.N).ToList(), budget.Select(p => p.Loss).ToList(), SeriesKind.Markers) { Color = k });
                double lo = Math.Log(budget.Min(p => p.N) / 1.3), hi = Math.Log(budget.Max(p => p.N) * 1.3);
                var x = Enumerable.Range(0, 40).Select(i => lo + (hi - lo) * i / 39).ToList();
                var c = profile.Parabola;
                series.Add(new ChartSeries(name + " parabola", x.Select(Math.Exp).ToList(), x.Select(v => c[0] + c[1] * v + c[2] * v * v).ToList())
                {
                    Color = k, ShowInLegend = false,
                });
            }
        }
        if (group.Profiles.Count > 0)
            series.Add(new ChartSeries("minima (N_opt)", group.Profiles.Select(p => p.NOpt).ToList(), group.Profiles.Select(p => p.LossAtOpt).ToList(), SeriesKind.LinesAndMarkers)
            {
                Color = 7, Dashed = true,
            });
        return series;
    }

    /// <summary>N_opt(C) and D_opt(C) with their bands, and the IsoFLOP minima they were fitted to.</summary>
    public static IReadOnlyList<ChartSeries> Allocation(GroupFit group)
    {
        var series = new List<ChartSeries>();
        var frontier = group.Frontier.Where(f => f.NOpt is not null && f.DOpt is not null).ToList();
        if (frontier.Count == 0) return series;
        var compute = frontier.Select(f => f.Compute).ToList();
        void Add(string name, int color, Func<FrontierPoint, Estimate> pick, Func<IsoFlopProfile, double> minimum)
        {
            if (frontier.All(f => pick(f).Low is not null))
                series.Add(new ChartSeries(name + " band", compute, frontier.Select(f => Edge(pick(f), pick(f).Low!.Value)).ToList(), SeriesKind.Band)
                {
                    Color = color, Upper = frontier.Select(f => Edge(pick(f), pick(f).High!.Value)).ToList(), ShowInLegend = false,
                });
            series.Add(new ChartSeries(name, compute, frontier.Select(f => pick(f).Value).ToList()) { Color = color });
            if (group.Profiles.Count > 0)
                series.Add(new ChartSeries(name + " (IsoFLOP minima)", group.Profiles.Select(p => p.Compute).ToList(), group.Profiles.Select(minimum).ToList(), SeriesKind.Markers)
                {
                    Color = color,
                });
        }
        Add("N_opt", 0, f => f.NOpt!, p => p.NOpt);
        Add("D_opt", 1, f => f.DOpt!, p => p.DOpt);
        return series;
    }

    /// <summary>
    /// Residuals ln(observed / predicted) of every point the fit used, against compute, one series per group, and
    /// the zero line: structure here (a trend, a budget off on its own) says the law does not describe the runs.
    /// </summary>
    public static IReadOnlyList<ChartSeries> Residuals(FitResult result)
    {
        var series = new List<ChartSeries>();
        for (var i = 0; i < result.Groups.Count; i++)
        {
            var g = result.Groups[i];
            series.Add(new ChartSeries((result.Groups.Count == 1 ? "" : g.Group + " ") + "residuals",
                g.Used.Select(r => r.Point.Compute).ToList(), g.Used.Select(r => r.LogResidual).ToList(), SeriesKind.Markers)
            {
                Color = i, Labels = g.Used.Select(r => $"N={NumberFormat.Short(r.Point.N)} D={NumberFormat.Short(r.Point.D)} loss {r.Point.Loss:F4}, predicted {r.Predicted:F4}").ToList(),
            });
        }
        var all = result.Groups.SelectMany(g => g.Used).Select(r => r.Point.Compute).ToList();
        if (all.Count > 0) series.Add(new ChartSeries("zero", [all.Min(), all.Max()], [0, 0]) { Color = 7, Dashed = true, ShowInLegend = false });
        return series;
    }

    /// <summary>A band edge where the fit has a value; a gap where it has none (a band around nothing would mislead).</summary>
    private static double Edge(Estimate estimate, double edge) => double.IsFinite(estimate.Value) ? edge : double.NaN;

    public static IReadOnlyList<ScalingPoint> PointsOf(ScalingView view, string group) =>
        view.Points.Where(p => (p.Group ?? "all") == group).ToList();
}
