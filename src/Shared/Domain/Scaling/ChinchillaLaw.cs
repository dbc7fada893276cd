namespace ScaleLab.Scaling;

/// <summary>
/// L(N, D) = E + A / N^α + B / D^β (Hoffmann et al. 2022), and the compute-optimal allocation it implies under a
/// compute curve F(N) (C = F(N)·D; the paper's C = 6·N·D when F is 6N).
/// </summary>
public sealed record ChinchillaLaw(
    double E, double A, double B,
    double Alpha, double Beta)
{
    public double Predict(double n, double d) => E + A / Math.Pow(n, Alpha) + B / Math.Pow(d, Beta);

    /// <summary>N_opt(C) ∝ C^a with a = β/(α+β).</summary>
    public double NOptExponent => Beta / (Alpha + Beta);

    /// <summary>D_opt(C) ∝ C^b with b = α/(α+β).</summary>
    public double DOptExponent => Alpha / (Alpha + Beta);

    /// <summary>
    /// Minimising L subject to 6·N·D = C gives N_opt = G·(C/6)^a and D_opt = (C/6)^b / G with
    /// G = (αA / βB)^(1/(α+β)) (Hoffmann et al. 2022, appendix D.2).
    /// </summary>
    public (double N, double D, double Loss) ComputeOptimal(double compute)
    {
        var g = Math.Pow(Alpha * A / (Beta * B), 1 / (Alpha + Beta));
        var n = g * Math.Pow(compute / 6, NOptExponent);
        var d = Math.Pow(compute / 6, DOptExponent) / g;
        return (n, d, Predict(n, d));
    }

    /// <summary>
    /// The same under C = F(N)·D: minimise L(N, C / F(N)) over ln N numerically (MathNet's golden section), around the
    /// 6ND optimum; L along the budget falls with N until data runs short and rises after, so it has one minimum.
    /// </summary>
    public (double N, double D, double Loss) ComputeOptimal(double compute, FlopsPerToken flops)
    {
        if (flops.IsSixN) return ComputeOptimal(compute);
        var start = ComputeOptimal(compute).N;
        if (!(double.IsFinite(start) && start > 0)) return (double.NaN, double.NaN, double.NaN);
        // A degenerate law (fitted to a handful of runs) can overflow far from its optimum: there the loss is "very
        // large", not an error, since MathNet's minimiser refuses non-finite values.
        double LossAt(double lnN) => Predict(Math.Exp(lnN), flops.Tokens(compute, Math.Exp(lnN))) is var loss && double.IsFinite(loss) ? loss : double.MaxValue;
        // F(N) is within a small factor of 6N, so the optimum is within a factor of e^8 of the 6ND one.
        double lnOpt;
        try
        {
            lnOpt = MathNet.Numerics.Optimization.GoldenSectionMinimizer.Minimum(
                MathNet.Numerics.Optimization.ObjectiveFunction.ScalarValue(LossAt), Math.Log(start) - 8, Math.Log(start) + 8, xTolerance: 1e-9).MinimizingPoint;
        }
        catch (MathNet.Numerics.Optimization.OptimizationException)
        {
            return (double.NaN, double.NaN, double.NaN); // no optimum: said in words by the fit's warnings
        }
        var n = Math.Exp(lnOpt);
        var d = flops.Tokens(compute, n);
        return (n, d, Predict(n, d));
    }
}
