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

    /// <summary>
    /// The law fitted to the curves' fittable points with the momentum λ (of <see cref="ScheduleAreas.Momenta"/>) that
    /// fits them best, or null where there are fewer than <see cref="MinPoints"/>.
    /// </summary>
    public static AnnealingLaw? FitBest(IReadOnlyList<LossCurve> curves, CancellationToken cancellation = default) =>
        ScheduleAreas.Momenta
            .Select(momentum => FitScored(Observations(curves, momentum), momentum, null, cancellation))
            .Where(f => f is not null).MinBy(f => f!.Value.Value)?.Law;

    /// <summary>The points a fit of <paramref name="curves"/> reads, thinned per curve, with S2 of momentum λ.</summary>
    public static List<Observation> Observations(IEnumerable<LossCurve> curves, double momentum = ScheduleAreas.DefaultMomentum) =>
        curves.SelectMany(curve =>
        {
            var points = curve.Fittable.ToList();
            var stride = Math.Max(1, (int)Math.Ceiling(points.Count / (double)MaxPointsPerCurve));
            return points.Where((_, i) => i % stride == 0 || i == points.Count - 1)
                .Select(p => new Observation(curve.Areas.Forward(p.Step), curve.Areas.Annealing(p.Step, momentum), p.Loss));
        }).ToList();

    /// <param name="near">
    /// A law close to the answer (a bootstrap replicate's, from the fit of the data it resamples): the fit then starts
    /// there alone, rather than from the whole grid.
    /// </param>
    /// <remarks>
    /// The law is fitted within what it means: a floor L0 between 0 and the lowest loss seen, a positive scale A and
    /// annealing gain C, and 0 &lt; α ≤ 5 (θ = (logit(L0 / lowest), ln A, α, ln C)). Unconstrained, a fit to the start of
    /// one curve extrapolates to negative losses.
    /// </remarks>
    /// <param name="momentum">The λ the observations' S2 was computed with: the law carries it.</param>
    public static AnnealingLaw? Fit(IReadOnlyList<Observation> data, double momentum, AnnealingLaw? near = null, CancellationToken cancellation = default) =>
        FitScored(data, momentum, near, cancellation)?.Law;

    /// <summary>The law and its objective (mean Huber loss over δ), comparable between fits of the same points.</summary>
    private static (AnnealingLaw Law, double Value)? FitScored(IReadOnlyList<Observation> data, double momentum, AnnealingLaw? near, CancellationToken cancellation)
    {
        if (data.Count < MinPoints || data.Any(o => o.Forward <= 0)) return null;
        var lowest = data.Min(o => o.Loss);
        if (!(lowest > 0)) return null;
        var starts = new List<double[]>();
        if (near is not null) starts.Add([Logit(Math.Clamp(near.L0 / lowest, 1e-6, 1 - 1e-6)), Math.Log(near.A), near.Alpha, Math.Log(Math.Max(near.C, 1e-12))]);
        else
        {
            var range = data.Max(o => o.Loss) - lowest;
            var annealed = Math.Max(1e-12, data.Max(o => o.Annealing));
            foreach (var floor in new[] { 0.01, 0.5, 0.85 })
                foreach (var alpha in new[] { 0.1, 0.3, 0.6, 1.0 })
                    foreach (var gain in new[] { 0.01, 0.3 })
                        starts.Add([Logit(floor), Math.Log(Math.Max(1e-8, ScaleGivenFloor(data, floor * lowest, alpha))), alpha,
                            Math.Log(Math.Max(1e-12, gain * range / annealed))]);
        }
        var (theta, value) = LbfgsFromStarts.Minimize((t, g) => Objective(data, lowest, t, g), starts, cancellation: cancellation);
        return double.IsFinite(value) && value < double.MaxValue ? (Law(lowest, theta) with { Momentum = momentum }, value) : null;
    }

    private static AnnealingLaw Law(double lowest, double[] theta) =>
        new(lowest * Sigmoid(theta[0]), Math.Exp(theta[1]), theta[2], Math.Exp(theta[3]));

    private static double Sigmoid(double u) => 1 / (1 + Math.Exp(-u));

    private static double Logit(double p) => Math.Log(p / (1 - p));

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
    /// Mean Huber loss of the residuals for θ, and its gradient, over δ: residuals beyond δ then weigh 1 each, so the
    /// gradient is of order one and L-BFGS's tolerances mean what they say.
    /// </summary>
    private static double Objective(IReadOnlyList<Observation> data, double lowest, double[] theta, double[] gradient)
    {
        Array.Clear(gradient);
        var law = Law(lowest, theta);
        if (law.Alpha <= 0 || law.Alpha > 5 || !double.IsFinite(law.A) || !double.IsFinite(law.C)) return double.PositiveInfinity;
        var floorSlope = law.L0 * (1 - Sigmoid(theta[0]));   // dL0/du
        var total = 0.0;
        foreach (var o in data)
        {
            var power = law.A * Math.Pow(o.Forward, -law.Alpha);
            var r = law.L0 + power - law.C * o.Annealing - o.Loss;
            total += Huber.Loss(r, HuberDelta);
            var d = Huber.Derivative(r, HuberDelta);
            gradient[0] += d * floorSlope;
            gradient[1] += d * power;
            gradient[2] -= d * power * Math.Log(o.Forward);
            gradient[3] -= d * law.C * o.Annealing;
        }
        var scale = data.Count * HuberDelta;
        for (var i = 0; i < gradient.Length; i++) gradient[i] /= scale;
        return total / scale;
    }
}
