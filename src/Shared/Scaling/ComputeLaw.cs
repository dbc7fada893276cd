namespace ScaleLab.Scaling;

/// <summary>L(C) = E + A·C^(−α); with <see cref="E"/> = 0 it is the pure power law L = A·C^(−α).</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.ComputeLaw")]
public sealed record ComputeLaw([property: Id(0)] double E, [property: Id(1)] double A, [property: Id(2)] double Alpha)
{
    public double Predict(double compute) => E + A * Math.Pow(compute, -Alpha);
}
