namespace ScaleLab.Scaling;

/// <summary>
/// L(N, D) = E + A / N^α + B / D^β (Hoffmann et al. 2022), and the compute-optimal allocation it implies
/// under C = 6·N·D.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.ChinchillaLaw")]
public sealed record ChinchillaLaw(
    [property: Id(0)] double E, [property: Id(1)] double A, [property: Id(2)] double B,
    [property: Id(3)] double Alpha, [property: Id(4)] double Beta)
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
}
