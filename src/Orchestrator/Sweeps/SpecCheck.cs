using ScaleLab.Orchestrator.Datasets;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Sweeps;

/// <summary>
/// The one way a study spec is checked before anything is stored or shown: parsed, expanded into runs under the
/// service's limits, and its data sets looked up (which also warns of repeated data). Submitting, previewing and
/// scheduling a study all go through it, so each refuses the same specs with the same messages.
/// </summary>
public sealed class SpecCheck(SweepLimits limits, DatasetReferences datasets)
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
}
