using ScaleLab.Models;
using ScaleLab.Runs;

namespace ScaleLab.Sweeps;

/// <summary>
/// What a spec would run, before anything runs: each run's size, tokens, FLOPs and estimated device time.
/// <see cref="TotalFlops"/> and each run's FLOPs are counted as the study counts them (<see cref="Parameters"/>,
/// <see cref="Compute"/>); device time always follows the architecture's exact FLOPs, which is what the hardware does.
/// </summary>
public sealed record SweepPreview(
    string Name, string Kind, int RunCount, double TotalFlops, double DeviceFlopsPerSecond, int Slots,
    double EstimatedDeviceSeconds, double EstimatedWallSeconds, IReadOnlyList<PreviewRun> Runs, string Parameters, string Compute)
{
    /// <summary>
    /// What the plain grid that answers the same question would cost: every run trained from scratch. Null where the
    /// study is that grid; for a ladder, whose branches share their trunk's stable phase, the saving is 1 − TotalFlops / this.
    /// </summary>
    public double? PlainGridFlops { get; init; }

    /// <summary>An adaptive study's plan (isoflop.adaptive): the runs are the candidates, of which it trains a part.</summary>
    public AdaptivePreview? Adaptive { get; init; }

    /// <summary>The saving in words, the same in the dashboard and the CLI; null where the study is its own plain grid.</summary>
    public string? SavingText() => PlainGridFlops is not { } plain ? null
        : Adaptive is { } a ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"An adaptive design: of these {RunCount} candidate runs ({Scaling.NumberFormat.Short(plain)} FLOPs as a plain grid) it first trains the {a.FirstRuns} runs of a first fit, then, {a.RunsPerRound} at a time, those that narrow the interval of {AdaptiveSpec.Quantity(a.Target)} the most per FLOP, until it is narrower than {AdaptiveSpec.WidthText(a.Target, a.TargetWidth)}; it spends at most {Scaling.NumberFormat.Short(TotalFlops)} FLOPs, {TotalFlops / plain:P0} of the grid.")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The same points trained from scratch would cost {Scaling.NumberFormat.Short(plain)} FLOPs: this study spends {TotalFlops / plain:P0} of that, its branches sharing their trunk's stable phase.");

    /// <summary>What the researcher should know before submitting, such as runs that would repeat their data.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Device time is FLOPs over the throughput a slot sustains: ScaleLab:CpuFlopsPerSecond (default 3e10, measured for
    /// these models on the project's 2-core CPU) or, once the cluster has a GPU slot, ScaleLab:GpuFlopsPerSecond
    /// (default 3e14). Wall time assumes the runs spread evenly over the slots.
    /// </summary>
    public static SweepPreview Of(SweepSpec spec, IReadOnlyList<PlannedRun> runs, double deviceFlopsPerSecond, int slots)
    {
        double DeviceSeconds(PlannedRun r) => TransformerShape.TrainingFlops(r.Config) * r.OwnFlops / Math.Max(double.Epsilon, r.Flops) / deviceFlopsPerSecond;
        var gridFlops = runs.Sum(r => r.OwnFlops);
        var adaptive = spec.IsoFlop?.Adaptive is { } a ? AdaptivePreview.Of(spec, a, runs) : null;
        // An adaptive study spends at most its cap; its device time is the grid's in proportion.
        var share = adaptive is null || gridFlops <= 0 ? 1 : Math.Min(1, adaptive.MaxFlops / gridFlops);
        var device = runs.Sum(DeviceSeconds) * share;
        var wall = device / Math.Max(1, slots);
        var names = runs.ToDictionary(r => r.RunId, r => r.Name);
        return new SweepPreview(spec.Name, spec.Kind, runs.Count, gridFlops * share, deviceFlopsPerSecond, slots,
            device, wall,
            runs.Select(r => new PreviewRun(r.Name, r.NonEmbeddingParameters, r.TotalParameters, r.Config.Tokens, r.Flops,
                DeviceSeconds(r), r.Config)
            {
                OwnFlops = r.OwnFlops,
                BranchOf = r.Config.InitFrom is { } from ? names.GetValueOrDefault(from.Run) : null,
            }).ToList(),
            spec.Counting.ParametersName, spec.Counting.ComputeName)
        {
            PlainGridFlops = runs.Any(r => r.FirstStep > 0) ? runs.Sum(r => r.Flops) : adaptive is null ? null : gridFlops,
            Adaptive = adaptive,
            Warnings = wall > LongStudySeconds
                ? [string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"this study needs about {device / 86_400:N0} device-days: {wall / 86_400:N1} days on the cluster's {slots} slot(s) at {deviceFlopsPerSecond:0.#E+0} FLOP/s each; check its budgets before submitting")]
                : [],
        };
    }

    /// <summary>A study whose estimated wall time passes this (a day) is flagged before it is submitted.</summary>
    public const double LongStudySeconds = 86_400;
}

/// <summary>One run of a preview: <see cref="Flops"/> is its point's compute (all its steps); it spends <see cref="OwnFlops"/>.</summary>
public sealed record PreviewRun(
    string Name, long NonEmbeddingParameters, long TotalParameters, long Tokens, double Flops, double EstimatedDeviceSeconds, RunConfig Config)
{
    /// <summary>What it spends itself: less than <see cref="Flops"/> for a branch, whose first steps are its parent's.</summary>
    public double OwnFlops { get; init; } = Flops;

    /// <summary>The run whose checkpoint it starts from (a ladder's trunk), by name; null for a run from scratch.</summary>
    public string? BranchOf { get; init; }
}

/// <summary>
/// What an adaptive study (<see cref="AdaptiveSpec"/>) will do first and may spend: the runs of its first fit and their
/// compute, its cap, and how it goes on.
/// </summary>
public sealed record AdaptivePreview(string Target, double TargetWidth, int RunsPerRound, int FirstRuns, double FirstFlops, double MaxFlops)
{
    public static AdaptivePreview Of(SweepSpec spec, AdaptiveSpec adaptive, IReadOnlyList<PlannedRun> grid)
    {
        var first = AdaptiveSweep.Next(spec, grid, new Dictionary<Guid, RunStatus>(), [], null);
        return new AdaptivePreview(adaptive.Target, adaptive.TargetWidth, adaptive.RunsPerRound, first.Queue.Count,
            first.Queue.Sum(r => r.OwnFlops), first.Log.MaxFlops);
    }
}
