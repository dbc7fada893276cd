namespace ScaleLab.Scaling;

/// <summary>Why an adaptive study stopped.</summary>
public enum AdaptiveStop
{
    /// <summary>The interval became narrower than the target width.</summary>
    TargetReached,

    /// <summary>No candidate left fits in the compute not yet spent (or none is left).</summary>
    BudgetSpent,

    /// <summary>
    /// Candidates fit in what is left, but the design proposes none of them: a budget's missing sizes together cost more
    /// than that (one run alone gives a budget no parabola), or no candidate can complete a first fit.
    /// </summary>
    NothingToPropose,
}

/// <summary>An adaptive study's history: its rounds, every point trained, the compute spent, and why it stopped.</summary>
public sealed record AdaptiveHistory(
    IReadOnlyList<AdaptiveRound> Rounds,
    IReadOnlyList<ScalingPoint> Points,
    double ComputeSpent,
    AdaptiveStop Stop)
{
    /// <summary>The interval after the last round (none before the first).</summary>
    public TargetInterval? Interval => Rounds.Count == 0 ? null : Rounds[^1].Interval;
}
