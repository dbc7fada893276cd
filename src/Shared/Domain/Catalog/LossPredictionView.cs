namespace ScaleLab.Catalog;

/// <summary>
/// A run's final training loss predicted by the annealing law (Tissue et al. 2024) from the loss it has logged and the
/// curves of finished runs of its arm, with a bootstrap prediction interval at <see cref="Level"/>, and the law's curve
/// over the whole run (<see cref="CurveSteps"/>, <see cref="CurveLoss"/>) to draw beside the logged one. Where no
/// prediction can be made yet, <see cref="Loss"/> is null and <see cref="Reason"/> says why.
/// </summary>
public sealed record LossPredictionView(
    Guid RunId,
    int Step,
    int FittedThrough,
    double? Loss,
    double? Low,
    double? High,
    double Level,
    LossLawView? Law,
    int Points,
    IReadOnlyList<Guid> Siblings,
    IReadOnlyList<int> CurveSteps,
    IReadOnlyList<double> CurveLoss,
    string? Reason = null);

/// <summary>L(s) = L0 + A·S1(s)^−α − C·S2(s), S1 and S2 the forward and annealing areas of the schedule.</summary>
public sealed record LossLawView(double L0, double A, double Alpha, double C, double Momentum);
