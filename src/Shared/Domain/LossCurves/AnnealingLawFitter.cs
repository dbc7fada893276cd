using ScaleLab.Scaling;

namespace ScaleLab.LossCurves;

/// <summary>
/// Fits one <see cref="AnnealingLaw"/> to the curves of runs that share a model and data (one study arm) by minimising
/// the Huber loss of the law's residuals (δ = 1e-3, close to a median fit, so a loss spike cannot drag it) with L-BFGS
/// from a grid of starts, as the Chinchilla fits do.
/// </summary>
public static class AnnealingLawFitter
{
    /// <summary>Fewest points a fit takes: four parameters need some to spare.</summary>
    public const int MinPoints = 8;

    /// <summary>Points kept per curve, evenly spread: a long curve's thousands of log steps add cost, not information.</summary>
    public const int MaxPointsPerCurve = 300;

    public const double HuberDelta = 1e-3;

    /// <summary>One observation: the areas of its step, and its loss.</summary>
    public readonly record struct Observation(double Forward, double Annealing, double Loss);

    /// <summary>The law fitted to the curves' fittable points, or null where there are fewer than <see cref="MinPoints"/>.</summary>
    public static AnnealingLaw? Fit(IEnumerable<LossCurve> curves) => Fit(Observations(curves));

    /// <summary>The points a fit of <paramref name="curves"/> reads, thinned per curve.</summary>
    public static List<Observation> Observations(IEnumerable<LossCurve> curves) =>
        curves.SelectMany(curve =>
        {
            var points = curve.Fittable.ToList();
            var stride = Math.Max(1, (int)Math.Ceiling(points.Count / (double)MaxPointsPerCurve));
            return points.Where((_, i) => i % stride == 0 || i == points.Count - 1)
                .Select(p => new Observation(curve.Areas.Forward(p.Step), curve.Areas.Annealing(p.Step), p.Loss));
        }).ToList();

    /// <param name="near">
    /// A law close to the answer (a bootstrap replicate's, from the fit of the data it resamples): the fit then starts
    /// there alone, rather than from the whole grid.
    /// </param>
    public static AnnealingLaw? Fit(IReadOnlyList<Observation> data, AnnealingLaw? near = null, CancellationToken cancellation = default)
    {
        if (data.Count < MinPoints || data.Any(o => o.Forward <= 0)) return null;
        var lowest = data.Min(o => o.Loss);
        var starts = new List<double[]>();
        if (near is not null) starts.Add([near.L0, Math.Log(near.A), near.Alpha, near.C]);
        else
            foreach (var floor in new[] { 0.0, 0.5, 0.85 })
                foreach (var alpha in new[] { 0.1, 0.3, 0.6, 1.0 })
                    starts.Add([floor * lowest, Math.Log(Math.Max(1e-8, ScaleGivenFloor(data, floor * lowest, alpha))), alpha, 0.0]);
        var (theta, value) = LbfgsFromStarts.Minimize((t, g) => Objective(data, t, g), starts, cancellation: cancellation);
        return double.IsFinite(value) && value < double.MaxValue ? new AnnealingLaw(theta[0], Math.Exp(theta[1]), theta[2], theta[3]) : null;
    }

    /// <summary>The least-squares A for a floor and an exponent, with no annealing term: a start close to the answer.</summary>
    private static double ScaleGivenFloor(IReadOnlyList<Observation> data, double floor, double alpha)
    {
        double xy = 0, xx = 0;
        foreach (var o in data)
        {
            var x = Math.Pow(o.Forward, -alpha);
            (xy, xx) = (xy + x * (o.Loss - floor), xx + x * x);
        }
        return xx > 0 ? xy / xx : 1;
    }

    /// <summary>
    /// Mean Huber loss of the residuals for θ = (L0, ln A, α, C), and its gradient, over δ: residuals beyond δ then
    /// weigh 1 each, so the gradient is of order one and L-BFGS's tolerances mean what they say.
    /// </summary>
    private static double Objective(IReadOnlyList<Observation> data, double[] theta, double[] gradient)
    {
        var (l0, a, alpha, c) = (theta[0], Math.Exp(theta[1]), theta[2], theta[3]);
        Array.Clear(gradient);
        if (alpha <= 0 || alpha > 5 || !double.IsFinite(a)) return double.PositiveInfinity;
        var total = 0.0;
        foreach (var o in data)
        {
            var power = a * Math.Pow(o.Forward, -alpha);
            var r = l0 + power - c * o.Annealing - o.Loss;
            total += Huber.Loss(r, HuberDelta);
            var d = Huber.Derivative(r, HuberDelta);
            gradient[0] += d;
            gradient[1] += d * power;
            gradient[2] -= d * power * Math.Log(o.Forward);
            gradient[3] -= d * o.Annealing;
        }
        var scale = data.Count * HuberDelta;
        for (var i = 0; i < gradient.Length; i++) gradient[i] /= scale;
        return total / scale;
    }
}
