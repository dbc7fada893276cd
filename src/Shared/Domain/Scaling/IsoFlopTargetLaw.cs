namespace ScaleLab.Scaling;

/// <summary>
/// Target <see cref="DesignTarget.IsoFlopExponent"/>: a of N_opt(C) = k·C^a through the vertices of the budgets'
/// parabolas, as an <c>isoflop</c> fit finds it (<see cref="IsoFlopAnalysis.Fit"/>; its bootstrap draws within budgets).
/// The loss it predicts for a run: at a budget with a profile, that budget's parabola; at any other budget, a parabola
/// centred on the fitted N_opt(C), whose depth and curvature follow the fitted budgets' as power laws in C, shifted to
/// the mean of the budget's own runs where it has some (their level, which a budget without a minimum still shows).
/// </summary>
internal sealed class IsoFlopTargetLaw : TargetLaw
{
    private readonly FlopsPerToken _flops;
    private readonly IReadOnlyList<IsoFlopProfile> _profiles;
    private readonly PowerLaw _nOpt, _depth, _curvature;

    private IsoFlopTargetLaw(IReadOnlyList<ScalingPoint> points, FlopsPerToken flops, IReadOnlyList<IsoFlopProfile> profiles, PowerLaw nOpt) : base(points)
    {
        (_flops, _profiles, _nOpt) = (flops, profiles, nOpt);
        var compute = profiles.Select(p => p.Compute).ToList();
        _depth = PowerLaw.FitLogLog(compute, profiles.Select(p => p.LossAtOpt).ToList());
        _curvature = PowerLaw.FitLogLog(compute, profiles.Select(p => p.Parabola[2]).ToList());
    }

    /// <summary>Null unless two budgets have a minimum.</summary>
    public static IsoFlopTargetLaw? Fit(IReadOnlyList<ScalingPoint> points)
    {
        var flops = FlopsPerToken.From(points);
        var (profiles, nOpt, _) = IsoFlopAnalysis.Fit(points, flops);
        return nOpt is null ? null : new(points, flops, profiles, nOpt);
    }

    public override double Value => _nOpt.Exponent;

    public override double PredictLoss(CandidateRun run)
    {
        var lnN = Math.Log(run.N);
        var profile = _profiles.FirstOrDefault(p => SameBudget(p.Compute, run.Compute));
        if (profile is not null) return Parabola(profile.Parabola, lnN);
        double Surrogate(double n, double compute) =>
            _depth.At(compute) + _curvature.At(compute) * Math.Pow(Math.Log(n) - Math.Log(_nOpt.At(compute)), 2);
        var own = Points.Where(p => SameBudget(p.Compute, run.Compute)).ToList();
        var shift = own.Count == 0 ? 0 : own.Average(p => p.Loss - Surrogate(p.N, p.Compute));
        return Surrogate(run.N, run.Compute) + shift;
    }

    protected override double Replicate(IReadOnlyList<ScalingPoint> resample, FitOptions options) =>
        IsoFlopAnalysis.Fit(resample, _flops).NOpt?.Exponent ?? double.NaN;

    public override TargetLaw? Refit(IReadOnlyList<ScalingPoint> points, FitOptions options) => Fit(points);

    protected override (IReadOnlyList<double> Residuals, int FreeParameters) Fitted()
    {
        var used = _profiles.SelectMany(profile => IsoFlopAnalysis.NearTheMinimum(Points.Where(p => SameBudget(p.Compute, profile.Compute)).ToList())
            .Select(p => Math.Log(p.Loss / Parabola(profile.Parabola, Math.Log(p.N))))).ToList();
        return (used, 3 * _profiles.Count);
    }

    private static bool SameBudget(double a, double b) => Math.Abs(Math.Log10(a) - Math.Log10(b)) <= IsoFlopAnalysis.BudgetTolerance;

    private static double Parabola(double[] c, double lnN) => c[0] + c[1] * lnN + c[2] * lnN * lnN;
}
