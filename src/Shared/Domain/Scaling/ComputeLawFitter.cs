

namespace ScaleLab.Scaling;

/// <summary>
/// Fits loss against training compute. With an irreducible term: Huber on log residuals of
/// LSE(a − α·ln C, e), L-BFGS from a grid (as for approach 3). Without: least squares on ln L = ln A − α·ln C.
/// </summary>
public static class ComputeLawFitter
{
    /// <summary>a ∈ {0, 5, …, 25}, e ∈ {−1, −0.5, …, 1}, α ∈ {0.05, 0.1, 0.2, 0.5, 1} (loss-vs-compute exponents are small).</summary>
    public static IReadOnlyList<double[]> DefaultStarts { get; } = LbfgsFromStarts.Grid(
        LbfgsFromStarts.Range(0, 25, 5), LbfgsFromStarts.Range(-1, 1, 0.5), [0.05, 0.1, 0.2, 0.5, 1.0]).ToList();

    public static ComputeLaw Fit(IReadOnlyList<ScalingPoint> points, bool withIrreducible, double delta = ChinchillaFitter.DefaultDelta,
        CancellationToken cancellation = default) =>
        withIrreducible
            ? ToLaw(LbfgsFromStarts.Minimize(Objective(points, delta), DefaultStarts, cancellation: cancellation).Theta)
            : FitPowerLaw(points);

    public static ComputeLaw Refit(IReadOnlyList<ScalingPoint> points, ComputeLaw start, double delta = ChinchillaFitter.DefaultDelta,
        CancellationToken cancellation = default) =>
        start.E == 0
            ? FitPowerLaw(points)
            : ToLaw(LbfgsFromStarts.MinimizeFrom(Objective(points, delta), [Math.Log(start.A), Math.Log(start.E), start.Alpha], cancellation).Theta);

    /// <summary>
    /// The compute-efficient frontier: walking up in compute, a point stays only if its loss is below every point
    /// that used less compute. Under-trained or oversized runs sit above it and would bias a loss-vs-compute law.
    /// </summary>
    public static IReadOnlyList<ScalingPoint> Frontier(IReadOnlyList<ScalingPoint> points)
    {
        var frontier = new List<ScalingPoint>();
        var best = double.PositiveInfinity;
        foreach (var p in points.OrderBy(p => p.Compute).ThenBy(p => p.Loss))
        {
            if (p.Loss >= best) continue;
            frontier.Add(p);
            best = p.Loss;
        }
        return frontier;
    }

    private static ComputeLaw FitPowerLaw(IReadOnlyList<ScalingPoint> points)
    {
        var (intercept, slope) = global::MathNet.Numerics.Fit.Line(points.Select(p => Math.Log(p.Compute)).ToArray(), points.Select(p => Math.Log(p.Loss)).ToArray());
        return new ComputeLaw(0, Math.Exp(intercept), -slope);
    }

    private static LbfgsFromStarts.Objective Objective(IReadOnlyList<ScalingPoint> points, double delta)
    {
        var lnC = points.Select(p => Math.Log(p.Compute)).ToArray();
        var lnL = points.Select(p => Math.Log(p.Loss)).ToArray();
        return (theta, gradient) =>
        {
            double a = theta[0], e = theta[1], alpha = theta[2];
            double total = 0, ga = 0, ge = 0, gAlpha = 0;
            for (var i = 0; i < lnL.Length; i++)
            {
                double t1 = a - alpha * lnC[i], t2 = e;
                var m = Math.Max(t1, t2);
                double w1 = Math.Exp(t1 - m), w2 = Math.Exp(t2 - m), s = w1 + w2;
                var r = m + Math.Log(s) - lnL[i];
                total += Huber.Loss(r, delta);
                var h = Huber.Derivative(r, delta) / s;
                ga += h * w1;
                gAlpha -= h * w1 * lnC[i];
                ge += h * w2;
            }
            gradient[0] = ga; gradient[1] = ge; gradient[2] = gAlpha;
            return total;
        };
    }

    private static ComputeLaw ToLaw(double[] t) => new(Math.Exp(t[1]), Math.Exp(t[0]), t[2]);
}
