namespace ScaleLab.Scaling;

/// <summary>
/// Target <see cref="DesignTarget.ChinchillaExponent"/>: a = β/(α+β) of L(N, D) = E + A/N^α + B/D^β (approach 3),
/// fitted from the paper's grid of starts as a <c>chinchilla</c> fit is; its bootstrap refits and the refits of an
/// adaptive design's fantasised points start from this fit. It predicts any run's loss.
/// </summary>
internal sealed class ChinchillaTargetLaw : TargetLaw
{
    private readonly ChinchillaLaw _law;

    private ChinchillaTargetLaw(IReadOnlyList<ScalingPoint> points, ChinchillaLaw law) : base(points) => _law = law;

    /// <summary>Null unless the points support the fit: more than its 5 parameters, two sizes and two token counts (<see cref="FitInputValidator"/>).</summary>
    public static ChinchillaTargetLaw? Fit(IReadOnlyList<ScalingPoint> points, FitOptions options) =>
        Supports(points) ? new(points, ChinchillaFitter.Fit(points, options.Delta, maxThreads: options.MaxThreads, cancellation: options.Cancellation).Law) : null;

    private static bool Supports(IReadOnlyList<ScalingPoint> points) =>
        points.Count > 5 && points.Select(p => p.N).Distinct().Count() >= 2 && points.Select(p => p.D).Distinct().Count() >= 2;

    public override double Value => _law.NOptExponent;

    public override double PredictLoss(CandidateRun run) => _law.Predict(run.N, run.D);

    protected override double Replicate(IReadOnlyList<ScalingPoint> resample, FitOptions options) =>
        ChinchillaFitter.Refit(resample, _law, options.Delta, options.Cancellation).NOptExponent;

    public override TargetLaw? Refit(IReadOnlyList<ScalingPoint> points, FitOptions options) =>
        Supports(points) ? new ChinchillaTargetLaw(points, ChinchillaFitter.Refit(points, _law, options.Delta, options.Cancellation)) : null;

    protected override (IReadOnlyList<double> Residuals, int FreeParameters) Fitted() =>
        (Points.Select(p => Math.Log(p.Loss / _law.Predict(p.N, p.D))).ToList(), 5);
}
