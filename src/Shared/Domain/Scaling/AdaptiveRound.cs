namespace ScaleLab.Scaling;

/// <summary>One round of an adaptive study: the runs it trained, the compute spent so far (all rounds), and the target's interval after it.</summary>
public sealed record AdaptiveRound(
    int Round,
    IReadOnlyList<ScalingPoint> Trained,
    double ComputeSpent,
    TargetInterval Interval);
