namespace ScaleLab.Scaling;

/// <summary>
/// The target of an adaptive design as a fit reports it: its estimate with the bootstrap percentile interval, and how many
/// of the bootstrap refits succeeded. <see cref="Usable"/> as the fit's warnings judge it: an interval from fewer than
/// half the refits ("only K of N bootstrap refits succeeded") comes from the resamples that happen to keep every
/// budget's sizes, and is narrow for that reason alone, so it counts as no interval (<see cref="Width"/> infinite).
/// </summary>
public sealed record TargetInterval(Estimate? Estimate, int Refits, int Succeeded)
{
    /// <summary>No fit: the points do not support the target's law.</summary>
    public static TargetInterval None(int refits) => new(null, refits, 0);

    public bool Usable => Estimate is { Low: not null, High: not null } && 2 * Succeeded >= Refits;

    /// <summary>High − Low; infinite when the interval is not <see cref="Usable"/>.</summary>
    public double Width => Usable ? Estimate!.High!.Value - Estimate.Low!.Value : double.PositiveInfinity;

    public double SuccessFraction => Refits == 0 ? 0 : (double)Succeeded / Refits;

    public bool Covers(double value) => Usable && Estimate!.Low <= value && value <= Estimate.High;
}
