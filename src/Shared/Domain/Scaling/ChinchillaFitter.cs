using System.Runtime.Intrinsics;

namespace ScaleLab.Scaling;

/// <summary>
/// Hoffmann et al.'s approach 3: minimise Σ Huber_δ(LSE(a − α·ln N, b − β·ln D, e) − ln L) over
/// θ = (a, b, e, α, β), with A = eᵃ, B = eᵇ, E = eᵉ, by L-BFGS from a grid of starting points, keeping the best.
/// </summary>
public static class ChinchillaFitter
{
    public const double DefaultDelta = 1e-3;

    /// <summary>The paper's grid: α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25} (4,500 starts).</summary>
    public static IReadOnlyList<double[]> DefaultStarts { get; } = LbfgsFromStarts.Grid(
        LbfgsFromStarts.Range(0, 25, 5), LbfgsFromStarts.Range(0, 25, 5), LbfgsFromStarts.Range(-1, 1, 0.5),
        LbfgsFromStarts.Range(0, 2, 0.5), LbfgsFromStarts.Range(0, 2, 0.5)).ToList();

    public static (ChinchillaLaw Law, double Objective) Fit(IReadOnlyList<ScalingPoint> points, double delta = DefaultDelta,
        IEnumerable<double[]>? starts = null, int maxThreads = 1, CancellationToken cancellation = default)
    {
        var problem = new Standardized(points);
        var (phi, value) = LbfgsFromStarts.Minimize(problem.Objective(delta), (starts ?? DefaultStarts).Select(problem.ToPhi), maxThreads, cancellation);
        return (problem.ToLaw(phi), value);
    }

    /// <summary>One L-BFGS run from a known law: how bootstrap refits start (from the full-data optimum).</summary>
    public static ChinchillaLaw Refit(IReadOnlyList<ScalingPoint> points, ChinchillaLaw start, double delta = DefaultDelta,
        CancellationToken cancellation = default)
    {
        var problem = new Standardized(points);
        return problem.ToLaw(LbfgsFromStarts.MinimizeFrom(problem.Objective(delta), problem.ToPhi(ToTheta(start)), cancellation).Theta);
    }

    internal static LbfgsFromStarts.Objective Objective(IReadOnlyList<ScalingPoint> points, double delta)
    {
        var problem = new Standardized(points);
        return problem.Objective(delta);
    }

    /// <summary>
    /// The same problem in better-conditioned coordinates. With z = (ln N − m_N)/s_N (likewise for D), the terms are
    /// t₁ = φ₀ − φ₃·z_N and t₂ = φ₁ − φ₄·z_D, where α = φ₃/s_N and a = φ₀ + α·m_N. The objective and its minima are
    /// unchanged; only the coordinates L-BFGS walks in are, which removes the strong a–α (and b–β) correlation and
    /// the ~(ln N)² curvature gap between them, so each start needs far fewer iterations.
    /// </summary>
    private sealed class Standardized
    {
        private readonly double[] _zN, _zD, _lnL;
        private readonly double _mN, _sN, _mD, _sD;

        public Standardized(IReadOnlyList<ScalingPoint> points)
        {
            var lnN = points.Select(p => Math.Log(p.N)).ToArray();
            var lnD = points.Select(p => Math.Log(p.D)).ToArray();
            (_mN, _sN) = MeanAndScale(lnN);
            (_mD, _sD) = MeanAndScale(lnD);
            _zN = lnN.Select(x => (x - _mN) / _sN).ToArray();
            _zD = lnD.Select(x => (x - _mD) / _sD).ToArray();
            _lnL = points.Select(p => Math.Log(p.Loss)).ToArray();
        }

        public LbfgsFromStarts.Objective Objective(double delta) => (phi, gradient) => Evaluate(_zN, _zD, _lnL, phi, delta, gradient);

        public double[] ToPhi(double[] theta) => [theta[0] - theta[3] * _mN, theta[1] - theta[4] * _mD, theta[2], theta[3] * _sN, theta[4] * _sD];

        public ChinchillaLaw ToLaw(double[] phi)
        {
            double alpha = phi[3] / _sN, beta = phi[4] / _sD;
            return ChinchillaFitter.ToLaw([phi[0] + alpha * _mN, phi[1] + beta * _mD, phi[2], alpha, beta]);
        }

        private static (double Mean, double Scale) MeanAndScale(double[] x)
        {
            var mean = x.Average();
            var sd = Math.Sqrt(x.Average(v => (v - mean) * (v - mean)));
            return (mean, sd > 1e-12 ? sd : 1); // one distinct value: nothing to scale (validation refuses such fits anyway)
        }
    }

    /// <summary>
    /// The objective and its gradient. d LSE / d t_k = softmax weight w_k / Σw; the Huber derivative is r clamped to
    /// ±δ. Four points at a time with AVX (Vector256 Exp/Log); the hot loop of every fit and bootstrap refit.
    /// </summary>
    private static double Evaluate(double[] lnN, double[] lnD, double[] lnL, double[] theta, double delta, double[] gradient)
    {
        double a = theta[0], b = theta[1], e = theta[2], alpha = theta[3], beta = theta[4];
        double total = 0, ga = 0, gb = 0, ge = 0, gAlpha = 0, gBeta = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && lnL.Length >= 4)
        {
            var (va, vb, ve, vAlpha, vBeta) = (Vector256.Create(a), Vector256.Create(b), Vector256.Create(e), Vector256.Create(alpha), Vector256.Create(beta));
            var (vDelta, vHalfDelta, vHalf) = (Vector256.Create(delta), Vector256.Create(0.5 * delta), Vector256.Create(0.5));
            Vector256<double> sTotal = default, sa = default, sb = default, se = default, sAlpha = default, sBeta = default;
            for (; i <= lnL.Length - 4; i += 4)
            {
                var n = Vector256.Create(lnN.AsSpan(i, 4));
                var d = Vector256.Create(lnD.AsSpan(i, 4));
                var t1 = va - vAlpha * n;
                var t2 = vb - vBeta * d;
                var m = Vector256.Max(t1, Vector256.Max(t2, ve));
                var w1 = Vector256.Exp(t1 - m);
                var w2 = Vector256.Exp(t2 - m);
                var w3 = Vector256.Exp(ve - m);
                var sum = w1 + w2 + w3;
                var r = m + Vector256.Log(sum) - Vector256.Create(lnL.AsSpan(i, 4));
                var abs = Vector256.Abs(r);
                sTotal += Vector256.ConditionalSelect(Vector256.LessThanOrEqual(abs, vDelta), vHalf * r * r, vDelta * (abs - vHalfDelta));
                var h = Vector256.Min(Vector256.Max(r, -vDelta), vDelta) / sum;
                var h1 = h * w1;
                var h2 = h * w2;
                sa += h1;
                sAlpha -= h1 * n;
                sb += h2;
                sBeta -= h2 * d;
                se += h * w3;
            }
            (total, ga, gb, ge, gAlpha, gBeta) = (Vector256.Sum(sTotal), Vector256.Sum(sa), Vector256.Sum(sb), Vector256.Sum(se), Vector256.Sum(sAlpha), Vector256.Sum(sBeta));
        }
        for (; i < lnL.Length; i++)
        {
            double t1 = a - alpha * lnN[i], t2 = b - beta * lnD[i], t3 = e;
            var m = Math.Max(t1, Math.Max(t2, t3));
            double w1 = Math.Exp(t1 - m), w2 = Math.Exp(t2 - m), w3 = Math.Exp(t3 - m), s = w1 + w2 + w3;
            var r = m + Math.Log(s) - lnL[i];
            total += Huber.Loss(r, delta);
            var h = Huber.Derivative(r, delta) / s;
            ga += h * w1;
            gAlpha -= h * w1 * lnN[i];
            gb += h * w2;
            gBeta -= h * w2 * lnD[i];
            ge += h * w3;
        }
        gradient[0] = ga; gradient[1] = gb; gradient[2] = ge; gradient[3] = gAlpha; gradient[4] = gBeta;
        return total;
    }

    private static ChinchillaLaw ToLaw(double[] t) => new(Math.Exp(t[2]), Math.Exp(t[0]), Math.Exp(t[1]), t[3], t[4]);

    private static double[] ToTheta(ChinchillaLaw law) => [Math.Log(law.A), Math.Log(law.B), Math.Log(law.E), law.Alpha, law.Beta];
}
