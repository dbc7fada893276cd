namespace ScaleLab.Scaling;

/// <summary>A point the fit used, what the law predicts there, and the residual ln(observed / predicted).</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.PointResidual")]
public sealed record PointResidual(
    [property: Id(0)] ScalingPoint Point,
    [property: Id(1)] double Predicted,
    [property: Id(2)] double LogResidual);

/// <summary>A point of the group the fit left out, and why.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.ExcludedPoint")]
public sealed record ExcludedPoint(
    [property: Id(0)] ScalingPoint Point,
    [property: Id(1)] string Reason);
