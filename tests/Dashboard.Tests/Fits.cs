using ScaleLab.Catalog;
using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Dashboard.Tests;

/// <summary>Real fits of points drawn from Hoffmann et al.'s law on IsoFLOP budgets, for the components to show.</summary>
internal static class Fits
{
    public static readonly ChinchillaLaw Hoffmann = new(1.69, 406.4, 410.7, 0.34, 0.28);

    public static IReadOnlyList<ScalingPoint> IsoFlopPoints(string? group = null, double lossOffset = 0)
    {
        var points = new List<ScalingPoint>();
        foreach (var c in new[] { 1e18, 1e19, 1e20, 1e21 })
        {
            var (nOpt, _, _) = Hoffmann.ComputeOptimal(c);
            foreach (var factor in new[] { 0.25, 0.5, 1, 2, 4 })
            {
                var n = nOpt * factor;
                var d = c / (6 * n);
                points.Add(new ScalingPoint(n, d, Hoffmann.Predict(n, d) + lossOffset * Math.Pow(c / 1e18, -0.1), c, group));
            }
        }
        return points;
    }

    public static ScalingView View(IReadOnlyList<ScalingPoint> points, FitLaw law, int bootstrap = 30, double? targetCompute = null)
    {
        var errors = new ValidationErrors();
        var result = ScalingAnalysis.Run(points, new FitOptions { Law = law, Bootstrap = bootstrap, Seed = 4, TargetCompute = targetCompute }, errors);
        Assert.True(errors.IsEmpty, errors.ToString());
        return new ScalingView(points, result, errors.ToDictionary());
    }
}
