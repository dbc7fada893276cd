namespace ScaleLab.Sweeps;

/// <summary>
/// kind "ladder" (Hägele et al. 2024, "Scaling Laws and Compute-Optimal Training Beyond Fixed Training Durations"; the
/// OLMo model ladder): each size in <see cref="Sizes"/> is trained once, warmup-stable-decay, to its largest budget of
/// <see cref="TokensPerParameter"/>: the trunk. Every smaller budget is a branch that starts from the trunk's checkpoint
/// where its own cooldown begins and trains only that cooldown (<see cref="Cooldown"/> of its steps, shaped by
/// <see cref="CooldownShape"/>). Each branch is exactly the WSD run of its budget from scratch, sharing its stable phase
/// with the trunk, so the study gives the points of an IsoFLOP grid for the trunk plus the cooldowns.
/// </summary>
/// <param name="Sizes">Parameter targets, counted as the study counts N (non-embedding by default); shaped by aspect ratio and head width.</param>
/// <param name="TokensPerParameter">The budgets D/N of every size (20 is Chinchilla-optimal); the largest is the trunk's.</param>
/// <param name="LearningRates">When given, the whole ladder at each rate (each rate its own trunks and branches), and fits take each point's best run (<see cref="Scaling.BestLearningRate"/>).</param>
/// <param name="Cooldown">Fraction of a run's steps spent cooling down (Hägele et al. find 10–20 % matches cosine).</param>
public sealed record LadderDesign(
    IReadOnlyList<double> Sizes,
    IReadOnlyList<double> TokensPerParameter,
    double Cooldown = 0.2,
    string CooldownShape = Runs.CooldownShapes.OneMinusSqrt,
    int AspectRatio = 64,
    int HeadDim = 32,
    IReadOnlyList<double>? LearningRates = null)
{
    /// <summary>Run-config fields the ladder sets itself, so a spec may neither set them in its axes nor expect its base's value kept.</summary>
    public static readonly IReadOnlyList<string> SetFields = ["tokens", "schedule", "decayFraction", "cooldownShape", "dModel", "nLayers", "nHeads", "initFrom"];
}
