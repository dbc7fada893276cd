using System.Text.Json;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Scaling;

/// <summary>
/// A study may train each point of its design at several learning rates (<c>isoflop.learningRates</c>,
/// <c>ablation.learningRates</c>, or a <c>learningRate</c> axis): the best rate moves with size, so one rate for every
/// size biases the law (Porian et al. 2024). A fit then takes each point at its best rate. Runs that differ only in
/// learning rate and seed (same config otherwise, a ladder's branches at different rates branching off different trunks, same N and D, same fit group) are one point; its best rate is the one
/// with the lowest mean loss over its seeds, and the runs at every other rate are left out. A point trained at one rate
/// keeps all its runs.
/// </summary>
public static class BestLearningRate
{
    /// <summary>A finished run as this choice sees it: its config (null where it is not known, e.g. a CSV row) and its point.</summary>
    public sealed record Run(RunConfig? Config, ScalingPoint Point);

    /// <summary>The points of the runs at their point's best rate, in the order given; how many runs were left out.</summary>
    public static (IReadOnlyList<ScalingPoint> Points, int LeftOut) Select(IReadOnlyList<Run> runs)
    {
        var best = runs.Where(r => r.Config is not null)
            .GroupBy(Key)
            .ToDictionary(point => point.Key, point => point
                .GroupBy(r => r.Config!.LearningRate)
                .MinBy(rate => rate.Average(r => r.Point.Loss))!.Key);
        var kept = runs.Where(r => r.Config is null || r.Config.LearningRate == best[Key(r)]).Select(r => r.Point).ToList();
        return (kept, runs.Count - kept.Count);
    }

    /// <summary>What makes runs one point: everything but learning rate and seed (and, for a ladder's branch, its trunk, which is the same run at the branch's rate).</summary>
    private static string Key(Run r) =>
        $"{r.Point.Group}|{r.Point.N:R}|{r.Point.D:R}|{JsonSerializer.Serialize(r.Config! with { LearningRate = 0, Seed = 0, InitFrom = null }, SpecJson.Options)}";
}
