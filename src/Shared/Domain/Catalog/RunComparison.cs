using System.Text.Json;
using ScaleLab.Sweeps;

namespace ScaleLab.Catalog;

/// <summary>
/// Runs compared side by side: their summaries (status, losses, tokens, FLOPs, duration) and every config field,
/// the fields they differ in apart from those they share. At most <see cref="MaxRuns"/> runs, so each keeps a
/// readable column and a colour of its own on a chart.
/// </summary>
public sealed record RunComparison(IReadOnlyList<RunSummary> Runs, IReadOnlyList<ComparedField> Config)
{
    public const int MaxRuns = 12;

    public IReadOnlyList<ComparedField> Differing => [.. Config.Where(f => f.Differs)];

    public IReadOnlyList<ComparedField> Shared => [.. Config.Where(f => !f.Differs)];

    /// <summary>The runs in the order given, their configs written as a sweep spec writes them (the same field names).</summary>
    public static RunComparison Of(IReadOnlyList<RunDetail> runs)
    {
        if (runs.Count > MaxRuns) throw new ArgumentException($"at most {MaxRuns} runs are compared; {runs.Count} were given", nameof(runs));
        return new([.. runs.Select(r => r.Run)], ConfigDiff.Of([.. runs.Select(r => JsonSerializer.Serialize(r.Config, SpecJson.Options))]));
    }
}
