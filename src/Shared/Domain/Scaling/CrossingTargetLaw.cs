namespace ScaleLab.Scaling;

/// <summary>
/// Target <see cref="DesignTarget.CrossingCompute"/>: log10 of the compute where the compute-optimal loss curves of two
/// groups (two architectures) cross, each group's L(N, D) fitted as a <c>chinchilla</c> fit with groups fits it, the
/// crossing searched as <see cref="ScalingAnalysis"/> searches it, and its interval the fit's own
/// (<see cref="FrontierCrossings.WithInterval"/>: replicate k of each group's refits, drawn from the same seed, paired).
/// A run's loss is its group's law at its N and D.
/// </summary>
internal sealed class CrossingTargetLaw : TargetLaw
{
    private readonly (string Name, LawFit Fit)[] _groups;
    private readonly double _from, _to;

    private CrossingTargetLaw(IReadOnlyList<ScalingPoint> points, (string, LawFit)[] groups, double value) : base(points)
    {
        _groups = groups;
        (_from, _to) = (points.Min(p => p.Compute) / ScalingAnalysis.SearchBelow, points.Max(p => p.Compute) * ScalingAnalysis.SearchAbove);
        Value = value;
    }

    /// <summary>
    /// Null unless the points are two groups, each supporting an L(N, D) fit. Curves that do not cross in the range
    /// searched give a law whose value is NaN: the design then seeks the runs that make more refit pairs cross.
    /// </summary>
    public static CrossingTargetLaw? Fit(IReadOnlyList<ScalingPoint> points, FitOptions options, CrossingTargetLaw? start = null)
    {
        var byGroup = points.GroupBy(p => p.Group ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, Points: g.ToList())).ToList();
        if (byGroup.Count != 2 || !byGroup.All(g => Supports(g.Points))) return null;
        var fits = byGroup.Select((g, i) => (g.Key, start is null ? LawFit.For(g.Points, options) : start._groups[i].Fit.Refit(g.Points, options))).ToArray();
        if (fits.Any(f => f.Item2 is null)) return null;
        var groups = fits.Select(f => (f.Key, f.Item2!)).ToArray();
        var law = new CrossingTargetLaw(points, groups, double.NaN);
        return new CrossingTargetLaw(points, groups, law.Cross(groups[0].Item2, groups[1].Item2));
    }

    private static bool Supports(IReadOnlyList<ScalingPoint> points) =>
        points.Count > 5 && points.Select(p => p.N).Distinct().Count() >= 2 && points.Select(p => p.D).Distinct().Count() >= 2;

    public override double Value { get; }

    /// <summary>log10 of the last crossing in the range, NaN where the curves do not cross there.</summary>
    private double Cross(LawFit a, LawFit b) =>
        FrontierCrossings.Find(_groups[0].Name, a, _groups[1].Name, b, _from, _to).Compute is { } c ? Math.Log10(c) : double.NaN;

    public override double PredictLoss(CandidateRun run)
    {
        var group = _groups.FirstOrDefault(g => g.Name == (run.Group ?? ""));
        return group.Fit?.PredictLoss(run.Trained(double.NaN)) ?? double.NaN;
    }

    public override TargetInterval Interval(FitOptions options)
    {
        var a = Bootstrap.Replicates(_groups[0].Fit.FittedPoints, options, r => _groups[0].Fit.Refit(r, options));
        var b = Bootstrap.Replicates(_groups[1].Fit.FittedPoints, options, r => _groups[1].Fit.Refit(r, options));
        var replicates = a.Zip(b, (x, y) => x is null || y is null ? double.NaN : Cross(x, y)).ToList();
        return new TargetInterval(Estimate.From(Value, replicates, options.Confidence), options.Bootstrap, replicates.Count(double.IsFinite));
    }

    /// <summary>Unused: the interval pairs the groups' own resamples (<see cref="Interval"/>).</summary>
    protected override double Replicate(IReadOnlyList<ScalingPoint> resample, FitOptions options) => throw new NotSupportedException();

    public override TargetLaw? Refit(IReadOnlyList<ScalingPoint> points, FitOptions options) => Fit(points, options, this);

    protected override (IReadOnlyList<double> Residuals, int FreeParameters) Fitted() =>
        (_groups.SelectMany(g => g.Fit.Residuals().Select(r => r.LogResidual)).ToList(), _groups.Sum(g => g.Fit.FreeParameters));
}
