using ScaleLab.Orchestrator.Datasets;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Sweeps;

/// <summary>
/// The one way a study spec is checked before anything is stored or shown: parsed, expanded into runs under the
/// service's limits, and its data sets looked up (which also warns of repeated data). Submitting, previewing and
/// scheduling a study all go through it, so each refuses the same specs with the same messages, and submitting
/// and previewing warn of the same things (<see cref="PreviewAsync"/>).
/// </summary>
public sealed class SpecCheck(SweepLimits limits, DatasetReferences datasets, IGrainFactory grains, IConfiguration configuration)
{
    public sealed record Checked(SweepSpec Spec, IReadOnlyList<PlannedRun> Runs, IReadOnlyList<string> Warnings);

    /// <returns>The spec and its runs, or null with the reasons added to <paramref name="errors"/>, each field under <paramref name="prefix"/>.</returns>
    public async Task<Checked?> RunAsync(string json, Guid sweepId, ValidationErrors errors, CancellationToken ct, string prefix = "")
    {
        var own = new ValidationErrors();
        var spec = SweepSpecParser.Parse(json, own);
        var runs = spec is null ? null : SweepExpander.Expand(sweepId, spec, limits, own);
        var warnings = runs is not null && own.IsEmpty ? await datasets.CheckAsync(runs, own, ct) : [];
        errors.AddAll(own, prefix);
        return spec is not null && runs is not null && own.IsEmpty ? new Checked(spec, runs, warnings) : null;
    }

    /// <summary>
    /// What a checked spec would run on the cluster as it is now, with everything the researcher is warned of: the
    /// domain's warnings (<see cref="SweepPreview.Of"/>, such as a study of more than a day) and the data sets'. The
    /// preview's answer, and the warnings a submission answers with. A slot's throughput is ScaleLab:GpuFlopsPerSecond
    /// once the cluster has a GPU slot, else ScaleLab:CpuFlopsPerSecond.
    /// </summary>
    public async Task<SweepPreview> PreviewAsync(Checked check)
    {
        var slots = (await grains.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).GetSnapshotAsync()).Slots;
        var gpu = slots.Any(s => s.Slot.DeviceKind == DeviceKinds.Cuda);
        var flopsPerSecond = configuration.GetValue(gpu ? "ScaleLab:GpuFlopsPerSecond" : "ScaleLab:CpuFlopsPerSecond", gpu ? 3e14 : 3e10);
        var preview = SweepPreview.Of(check.Spec, check.Runs, flopsPerSecond, Math.Max(1, slots.Count));
        return preview with { Warnings = [.. preview.Warnings, .. check.Warnings] };
    }
}
