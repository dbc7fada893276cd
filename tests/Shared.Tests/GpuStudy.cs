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
/// expanding the study's spec again (a run's name derives from its design point and axes, so they meet by name).
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
        // Met by name: a run's id hashes its whole config, so a field added to RunConfig since changes every id; and by
        // the parts of its name in any order, as the axes' order comes from the stored spec (jsonb orders keys its own way).
        var byName = planned.ToDictionary(p => NameKey(p.Name), p => p.Config);
        var unmatched = Sweep.Runs.Where(r => !byName.ContainsKey(NameKey(r.Name))).Select(r => r.Name).ToList();
        if (unmatched.Count > 0) throw new InvalidOperationException($"expanding the spec again names other runs than were trained, e.g. {unmatched[0]}");
        return Sweep.Runs.ToDictionary(r => r.Id, r => byName[NameKey(r.Name)]);
    }

    /// <summary>"C=1E+13, N=1.01E+5 (d=64, L=2), mixer="gla", seed=1" as its parts (split at commas outside brackets), sorted.</summary>
    private static string NameKey(string name)
    {
        var parts = new List<string>();
        var (depth, start) = (0, 0);
        for (var i = 0; i < name.Length; i++)
        {
            depth += name[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (name[i] == ',' && depth == 0) { parts.Add(name[start..i].Trim()); start = i + 1; }
        }
        parts.Add(name[start..].Trim());
        return string.Join(", ", parts.Order(StringComparer.Ordinal));
    }
}
