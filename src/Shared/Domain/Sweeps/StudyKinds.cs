namespace ScaleLab.Sweeps;

/// <summary>
/// The kinds of study a sweep is: the five a spec can ask for (and ScaleLab expands and schedules), and "external",
/// whose runs trained elsewhere and were logged over the API (<see cref="External.ExternalStudies"/>).
/// </summary>
public static class StudyKinds
{
    public const string Grid = "grid", Random = "random", IsoFlop = "isoflop", Ablation = "ablation", Ladder = "ladder", External = "external";

    /// <summary>What a submitted spec's "kind" may be.</summary>
    public static readonly IReadOnlySet<string> Submittable = new HashSet<string>(StringComparer.Ordinal) { Grid, Random, IsoFlop, Ablation, Ladder };

    /// <summary>What a stored sweep's kind may be (a list's filter).</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Grid, Random, IsoFlop, Ablation, Ladder, External };
}
