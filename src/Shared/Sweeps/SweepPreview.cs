using ScaleLab.Runs;

namespace ScaleLab.Sweeps;

/// <summary>What a spec would run, before anything runs: each run's size, tokens, FLOPs and estimated device time.</summary>
public sealed record SweepPreview(
    string Name, string Kind, int RunCount, double TotalFlops, double DeviceFlopsPerSecond, int Slots,
    double EstimatedDeviceSeconds, double EstimatedWallSeconds, IReadOnlyList<PreviewRun> Runs)
{
    /// <summary>
    /// Device time is FLOPs over the throughput a slot sustains (measured: about 3e10 FLOP/s for these models on
    /// the project's 2-core CPU; configure ScaleLab:DeviceFlopsPerSecond for GPUs). Wall time assumes the runs
    /// spread evenly over the slots.
    /// </summary>
    public static SweepPreview Of(SweepSpec spec, IReadOnlyList<PlannedRun> runs, double deviceFlopsPerSecond, int slots)
    {
        var total = runs.Sum(r => r.Flops);
        return new SweepPreview(spec.Name, spec.Kind, runs.Count, total, deviceFlopsPerSecond, slots,
            total / deviceFlopsPerSecond, total / deviceFlopsPerSecond / Math.Max(1, slots),
            runs.Select(r => new PreviewRun(r.Name, r.NonEmbeddingParameters, r.TotalParameters, r.Config.Tokens, r.Flops,
                r.Flops / deviceFlopsPerSecond, r.Config)).ToList());
    }
}

public sealed record PreviewRun(
    string Name, long NonEmbeddingParameters, long TotalParameters, long Tokens, double Flops, double EstimatedDeviceSeconds, RunConfig Config);
