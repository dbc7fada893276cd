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
    /// <summary>What the researcher should know before submitting, such as runs that would repeat their data.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Device time is FLOPs over the throughput a slot sustains: ScaleLab:CpuFlopsPerSecond (default 3e10, measured for
    /// these models on the project's 2-core CPU) or, once the cluster has a GPU slot, ScaleLab:GpuFlopsPerSecond
    /// (default 3e14). Wall time assumes the runs spread evenly over the slots.
    /// </summary>
    public static SweepPreview Of(SweepSpec spec, IReadOnlyList<PlannedRun> runs, double deviceFlopsPerSecond, int slots)
    {
        var device = runs.Sum(r => TransformerShape.TrainingFlops(r.Config)) / deviceFlopsPerSecond;
        var wall = device / Math.Max(1, slots);
        return new SweepPreview(spec.Name, spec.Kind, runs.Count, runs.Sum(r => r.Flops), deviceFlopsPerSecond, slots,
            device, wall,
            runs.Select(r => new PreviewRun(r.Name, r.NonEmbeddingParameters, r.TotalParameters, r.Config.Tokens, r.Flops,
                TransformerShape.TrainingFlops(r.Config) / deviceFlopsPerSecond, r.Config)).ToList(),
            spec.Counting.ParametersName, spec.Counting.ComputeName)
        {
            Warnings = wall > LongStudySeconds
                ? [string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"this study needs about {device / 86_400:N0} device-days: {wall / 86_400:N1} days on the cluster's {slots} slot(s) at {deviceFlopsPerSecond:0.#E+0} FLOP/s each; check its budgets before submitting")]
                : [],
        };
    }

    /// <summary>A study whose estimated wall time passes this (a day) is flagged before it is submitted.</summary>
    public const double LongStudySeconds = 86_400;
}

public sealed record PreviewRun(
    string Name, long NonEmbeddingParameters, long TotalParameters, long Tokens, double Flops, double EstimatedDeviceSeconds, RunConfig Config);
