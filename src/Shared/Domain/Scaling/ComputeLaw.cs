namespace ScaleLab.Scaling;

/// <summary>L(C) = E + A·C^(−α); with <see cref="E"/> = 0 it is the pure power law L = A·C^(−α).</summary>
public sealed record ComputeLaw(double E, double A, double Alpha)
{
    public double Predict(double compute) => E + A * Math.Pow(compute, -Alpha);
}
