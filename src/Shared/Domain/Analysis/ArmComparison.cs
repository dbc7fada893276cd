using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Analysis;

/// <summary>A finished run as the comparison sees it: its config and the score to minimise (final validation loss).</summary>
public sealed record ScoredRun(Guid RunId, RunConfig Config, double? Score, RunStatus Status = RunStatus.Succeeded);

/// <summary>One learning rate of an arm: the mean score over its seeds.</summary>
public sealed record RateResult(
    double LearningRate, double? MeanScore, int Runs, int Scored);

/// <summary>
/// An arm of an ablation (runs equal up to learning rate and seed) at its best learning rate. <see cref="BestAtEdge"/>
/// says the best rate is the lowest or highest swept, so the true optimum may lie outside the range. An arm without a
/// score says why in <see cref="NoResult"/> (its runs stopped early, failed, or have not finished).
/// </summary>
public sealed record ArmResult(
    string Label, IReadOnlyDictionary<string, string> Settings, double? BestLearningRate,
    double? BestScore, bool BestAtEdge, IReadOnlyList<RateResult> Rates,
    string? NoResult = null);

/// <summary>
/// Compares the arms of a study each at its own best learning rate, as the Zoology studies do: recurrent and linear
/// mixers train well only in a narrow window, so one shared rate would compare the rate, not the architecture.
/// </summary>
public static class ArmComparison
{
    /// <summary>Fields that never define an arm: the rate is what is optimised over, seeds are averaged.</summary>
    private static readonly HashSet<string> NotArmFields = ["learningRate", "seed"];

    public static IReadOnlyList<ArmResult> BestPerArm(IReadOnlyList<ScoredRun> runs)
    {
        var (labels, varying) = Arms(runs.Select(r => r.Config).ToList());
        return runs.Select((r, i) => (Run: r, Label: labels[i]))
            .GroupBy(p => p.Label)
            .Select(arm => Summarise(arm.Key, Settings(arm.First().Run.Config, varying), arm.Select(p => p.Run).ToList()))
            .OrderBy(a => a.BestScore ?? double.PositiveInfinity)
            .ToList();
    }

    /// <summary>The arm of each config ("mixer=\"gla\"", or "" when nothing but rate and seed varies), the same labels <see cref="BestPerArm"/> uses.</summary>
    public static IReadOnlyList<string> ArmLabels(IReadOnlyList<RunConfig> configs) => Arms(configs).Labels;

    private static (IReadOnlyList<string> Labels, IReadOnlyList<string> Varying) Arms(IReadOnlyList<RunConfig> configs)
    {
        var fields = configs.Select(Fields).ToList();
        // The fields that tell arms apart: those with more than one value across the study.
        var varying = fields.SelectMany(f => f.Keys).Distinct()
            .Where(k => !NotArmFields.Contains(k) && fields.Select(f => f.GetValueOrDefault(k)).Distinct().Count() > 1)
            .Order(StringComparer.Ordinal).ToList();
        return (fields.Select(f => string.Join(", ", varying.Select(k => $"{k}={f.GetValueOrDefault(k)}"))).ToList(), varying);
    }

    private static Dictionary<string, string> Settings(RunConfig config, IReadOnlyList<string> varying)
    {
        var fields = Fields(config);
        return varying.ToDictionary(k => k, k => fields.GetValueOrDefault(k) ?? "null");
    }

    private static ArmResult Summarise(string label, IReadOnlyDictionary<string, string> settings, IReadOnlyList<ScoredRun> runs)
    {
        var rates = runs.GroupBy(r => r.Config.LearningRate).OrderBy(g => g.Key).Select(g =>
        {
            var scores = g.Where(r => r.Score is { } s && double.IsFinite(s)).Select(r => r.Score!.Value).ToList();
            return new RateResult(g.Key, scores.Count > 0 ? scores.Average() : null, g.Count(), scores.Count);
        }).ToList();
        var best = rates.Where(r => r.MeanScore is not null).MinBy(r => r.MeanScore);
        var atEdge = best is not null && rates.Count > 1 && (best.LearningRate == rates[0].LearningRate || best.LearningRate == rates[^1].LearningRate);
        return new ArmResult(label.Length > 0 ? label : "base", settings, best?.LearningRate, best?.MeanScore, atEdge, rates,
            best is null ? WhyNoResult(runs) : null);
    }

    /// <summary>Why an arm has no score: what became of its runs, in words.</summary>
    private static string WhyNoResult(IReadOnlyList<ScoredRun> runs)
    {
        var counts = runs.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Describe(g.Key)}");
        var unfinished = runs.Any(r => r.Status is RunStatus.Queued or RunStatus.Running);
        return (unfinished ? "no result yet: " : "no run of this arm finished with a validation loss: ") + string.Join(", ", counts);
    }

    private static string Describe(RunStatus status) => status switch
    {
        RunStatus.Stopped => "stopped early",
        RunStatus.Succeeded => "succeeded without a validation loss",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static Dictionary<string, string> Fields(RunConfig config) =>
        JsonSerializer.SerializeToNode(config, SpecJson.Options)!.AsObject().ToDictionary(p => p.Key, p => p.Value?.ToJsonString() ?? "null");
}
