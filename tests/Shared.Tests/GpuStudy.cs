using System.Text.Json;
using System.Text.Json.Serialization;
using ScaleLab.Catalog;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

/// <summary>
/// Real runs: the 112 runs of the IsoFLOP study of softmax against GLA trained on an H200 (docs/results.md), as
/// GET /api/sweeps/{id} answered (bench/gpu/results/2026-12-01-h200-study/sweep.json), and each run's config from
/// expanding the study's spec again (a run's id derives from its sweep and its config, so they meet by id).
/// </summary>
internal static class GpuStudy
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static SweepDetail Sweep { get; } = JsonSerializer.Deserialize<SweepDetail>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "gpu-study-sweep.json")), Json)!;

    public static IReadOnlyDictionary<Guid, RunConfig> Configs { get; } = Expand();

    /// <summary>What GET /api/sweeps/{id}/fields answers for these runs.</summary>
    public static SweepFields Fields { get; } =
        SweepFields.Of(Sweep.Runs.Select(r => (r.Id, JsonSerializer.Serialize(Configs[r.Id], SpecJson.Options))));

    public static RunSummary Run(string name) => Sweep.Runs.Single(r => r.Name == name);

    private static Dictionary<Guid, RunConfig> Expand()
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(Sweep.SpecJson, errors);
        var planned = spec is null ? null : SweepExpander.Expand(Sweep.Sweep.Id, spec, SweepLimits.Default, errors);
        if (planned is null) throw new InvalidOperationException("the study's spec no longer expands: " + errors);
        var configs = planned.ToDictionary(p => p.RunId, p => p.Config);
        var unmatched = Sweep.Runs.Where(r => !configs.ContainsKey(r.Id)).Select(r => r.Name).ToList();
        if (unmatched.Count > 0) throw new InvalidOperationException($"expanding the spec again names other runs than were trained, e.g. {unmatched[0]}");
        return configs;
    }
}
