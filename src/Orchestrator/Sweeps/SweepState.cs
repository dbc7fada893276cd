using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Sweeps;

/// <remarks>
/// Ids 1, 3, 4, 5 and 10 held the priority, the unfinished runs and the counts, which the sweeps row holds (the queue
/// reads the priority there); old state still reads.
/// </remarks>
[GenerateSerializer, Alias("ScaleLab.Orchestrator.Sweeps.SweepState")]
public sealed class SweepState
{
    [Id(0)] public bool Accepted { get; set; }
    [Id(2)] public int RunCount { get; set; }
    [Id(6)] public bool Cancelled { get; set; }
    /// <summary>The spec's early-stopping rule, if any.</summary>
    [Id(7)] public EarlyStopping? EarlyStopping { get; set; }
    /// <summary>ASHA's record of sweeps accepted before ranking was per arm (by rung step); kept so their state still reads.</summary>
    [Id(8)] public Dictionary<int, List<double>> Rungs { get; set; } = [];
    /// <summary>The highest rung each run has been judged at.</summary>
    [Id(9)] public Dictionary<Guid, int> JudgedThrough { get; set; } = [];
    /// <summary>SHA-256 of the accepted spec, so a repeated submission can tell a replay from a different spec (null for sweeps accepted before it was kept).</summary>
    [Id(11)] public string? SpecSha256 { get; set; }
    /// <summary>ASHA's record: the metric values reported at each rung, by "arm@rung" (<see cref="ScaleLab.Sweeps.SuccessiveHalving"/>).</summary>
    [Id(12)] public Dictionary<string, List<double>> RungsByArm { get; set; } = [];
    /// <summary>The ablation arm of each run (absent: one arm, the whole sweep).</summary>
    [Id(13)] public Dictionary<Guid, string> ArmOf { get; set; } = [];
    /// <summary>Law-based stopping's record: the high end of each unfinished run's latest predicted final loss (<see cref="ScaleLab.Sweeps.LawStopping"/>).</summary>
    [Id(14)] public Dictionary<Guid, double> PredictedHigh { get; set; } = [];
    /// <summary>An adaptive study (isoflop.adaptive): its runs are chosen as results come in (<see cref="ScaleLab.Sweeps.AdaptiveSweep"/>).</summary>
    [Id(15)] public bool Adaptive { get; set; }
}
