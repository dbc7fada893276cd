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

/// <summary>
/// The rollout check (as OLMo's model ladder runs it): refit without the largest budget (or, without budgets, the
/// largest model size) and predict what was held out. <see cref="LossError"/> is the mean |ln(observed / predicted)|
/// over the held-out points (IsoFLOP: of the held-out budget's minimum loss); <see cref="NOptError"/> is, for IsoFLOP,
/// ln(predicted / measured N_opt) at the held-out budget. <see cref="Unavailable"/> says why there is no check.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.RolloutCheck")]
public sealed record RolloutCheck(
    [property: Id(0)] string HeldOut,
    [property: Id(1)] int HeldOutPoints,
    [property: Id(2)] double? LossError,
    [property: Id(3)] double? NOptError,
    [property: Id(4)] string? Unavailable = null);
