namespace ScaleLab.Scaling;

/// <summary>A point the fit used, what the law predicts there, and the residual ln(observed / predicted).</summary>
public sealed record PointResidual(
    ScalingPoint Point,
    double Predicted,
    double LogResidual);

/// <summary>A point of the group the fit left out, and why.</summary>
public sealed record ExcludedPoint(
    ScalingPoint Point,
    string Reason);

/// <summary>
/// The rollout check (as OLMo's model ladder runs it): refit without the largest budget (or, without budgets, the
/// largest model size) and predict what was held out. <see cref="LossError"/> is the mean |ln(observed / predicted)|
/// over the held-out points (IsoFLOP: of the held-out budget's minimum loss); <see cref="NOptError"/> is, for IsoFLOP,
/// ln(predicted / measured N_opt) at the held-out budget. <see cref="Unavailable"/> says why there is no check.
/// </summary>
public sealed record RolloutCheck(
    string HeldOut,
    int HeldOutPoints,
    double? LossError,
    double? NOptError,
    string? Unavailable = null);
