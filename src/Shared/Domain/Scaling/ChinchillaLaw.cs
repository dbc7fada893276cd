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
    /// The same under C = F(N)·D, exactly: on a piece of the curve where ln F = c + s·ln N, L along the budget is
    /// E + A·e^(−αx) + B·(C·e^(−c))^(−β)·e^(sβx) in x = ln N, convex for s > 0 with its minimum where
    /// αA·e^(−αx) = sβB·(C·e^(−c))^(−β)·e^(sβx); the optimum is the lowest of these minima that lie in their piece and of
    /// the knots where L turns from falling to rising. Hundreds of times faster than minimising numerically, which a
    /// scan of a crossing or a frontier does at every point. NaN where the law has no optimum (a parameter not positive).
    /// </summary>
    public (double N, double D, double Loss) ComputeOptimal(double compute, FlopsPerToken flops)
    {
        if (flops.IsSixN) return ComputeOptimal(compute);
        if (!(A > 0 && B > 0 && Alpha > 0 && Beta > 0 && compute > 0)) return (double.NaN, double.NaN, double.NaN);
        var (best, bestLoss) = (double.NaN, double.PositiveInfinity);
        var fallingBefore = false; // L falls at the right end of the previous piece
        var lnC = Math.Log(compute);
        foreach (var (from, to, c, s) in flops.Pieces)
        {
            // Where L's slope in x vanishes on this piece; +∞ where it only falls (s ≤ 0: F shrinks as N grows).
            var stationary = s > 0
                ? (Math.Log(Alpha * A) - Math.Log(s * Beta * B) + Beta * (lnC - c)) / (Alpha + s * Beta)
                : double.PositiveInfinity;
            if (fallingBefore && stationary <= from) Consider(from); // a kink: falling before it, rising after
            if (stationary > from && stationary < to) Consider(stationary);
            fallingBefore = stationary >= to;
        }
        if (double.IsNaN(best)) return (double.NaN, double.NaN, double.NaN);
        var n = Math.Exp(best);
        return (n, flops.Tokens(compute, n), bestLoss);

        void Consider(double x)
        {
            var n = Math.Exp(x);
            var loss = Predict(n, flops.Tokens(compute, n));
            if (loss < bestLoss) (best, bestLoss) = (x, loss);
        }
    }
}
