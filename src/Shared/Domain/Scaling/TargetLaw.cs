namespace ScaleLab.Scaling;

/// <summary>
/// The law an adaptive design's target is read from, fitted to one set of points: the target's value and bootstrap
/// interval (the same resamples and refits as <see cref="ScalingAnalysis.Run"/>, so the same numbers), the loss it
/// predicts for a run not yet trained (the outcome an adaptive design fantasises), and its residual noise.
/// </summary>
internal abstract class TargetLaw
{
    protected TargetLaw(IReadOnlyList<ScalingPoint> points) => Points = points;

    public IReadOnlyList<ScalingPoint> Points { get; }

    /// <summary>The target's value on <see cref="Points"/>.</summary>
    public abstract double Value { get; }

    /// <summary>The loss this law predicts for a run; NaN where it cannot.</summary>
    public abstract double PredictLoss(CandidateRun run);

    /// <summary>The target of a bootstrap resample's refit; NaN when the resample supports no fit.</summary>
    protected abstract double Replicate(IReadOnlyList<ScalingPoint> resample, FitOptions options);

    /// <summary>The same law fitted to other points (an adaptive design's points with fantasised outcomes), starting from this fit where the law needs a start; null when they support none.</summary>
    public abstract TargetLaw? Refit(IReadOnlyList<ScalingPoint> points, FitOptions options);

    /// <summary>Log residuals ln(observed / predicted) of the points the law used, and its free parameters.</summary>
    protected abstract (IReadOnlyList<double> Residuals, int FreeParameters) Fitted();

    public virtual TargetInterval Interval(FitOptions options)
    {
        var replicates = Bootstrap.Replicates(Points, options, resample => Replicate(resample, options));
        return new TargetInterval(Estimate.From(Value, replicates, options.Confidence), options.Bootstrap, replicates.Count(double.IsFinite));
    }

    /// <summary>
    /// The standard deviation of a run's log loss around the law, √(Σr² / (n − k)); null with fewer than 2 degrees of
    /// freedom, where residuals cannot tell noise from fit.
    /// </summary>
    public double? ResidualNoise()
    {
        var (residuals, free) = Fitted();
        var freedom = residuals.Count - free;
        return freedom < 2 ? null : Math.Sqrt(residuals.Sum(r => r * r) / freedom);
    }

    /// <summary>The target's law fitted to the points, as <see cref="ScalingAnalysis.Run"/> fits it; null when they support none.</summary>
    public static TargetLaw? Fit(DesignTarget target, IReadOnlyList<ScalingPoint> points, FitOptions options) => target switch
    {
        DesignTarget.IsoFlopExponent => IsoFlopTargetLaw.Fit(points),
        DesignTarget.ChinchillaExponent => ChinchillaTargetLaw.Fit(points, options),
        DesignTarget.CrossingCompute => CrossingTargetLaw.Fit(points, options),
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    /// <summary>How the target's law is fitted (the bootstrap resamples within budgets for IsoFLOP profiles).</summary>
    public static FitLaw LawOf(DesignTarget target) => target == DesignTarget.IsoFlopExponent ? FitLaw.IsoFlop : FitLaw.Chinchilla;
}
