namespace ScaleLab.Sweeps;

/// <summary>
/// An adaptive study's record, kept with the sweep and shown with it: what it aims at, what it may spend, each round of
/// runs it queued with the reason and the interval at the time, and why it stopped (null while it is still choosing).
/// </summary>
public sealed record AdaptiveLog(
    string Target,
    double TargetWidth,
    double GridFlops,
    double MaxFlops,
    IReadOnlyList<AdaptiveLogRound> Rounds,
    string? Stop = null,
    AdaptiveLogInterval? Final = null)
{
    public AdaptiveLog With(AdaptiveLogRound round) => this with { Rounds = [.. Rounds, round] };
}

/// <summary>
/// One round: the runs it queued (by name), why (<see cref="ScaleLab.Scaling.ProposalReason"/>), the compute of every
/// run queued so far with these, the runs finished when it was chosen, the target's interval on them, and the interval
/// width these runs were expected to leave (null for the first fit's runs).
/// </summary>
public sealed record AdaptiveLogRound(
    int Round,
    IReadOnlyList<string> Runs,
    string Reason,
    double QueuedFlops,
    int Finished,
    AdaptiveLogInterval? Interval,
    double? ExpectedWidth);

/// <summary>The target's estimate and bootstrap interval (null ends where the refits gave none).</summary>
public sealed record AdaptiveLogInterval(double Estimate, double? Low, double? High)
{
    /// <summary>Null without an estimate, or with one that is no number (two architectures whose fitted curves do not cross).</summary>
    public static AdaptiveLogInterval? Of(ScaleLab.Scaling.TargetInterval interval) =>
        interval.Estimate is { } e && double.IsFinite(e.Value) ? new AdaptiveLogInterval(e.Value, interval.Usable ? e.Low : null, interval.Usable ? e.High : null) : null;

    public double? Width => High - Low;
}
