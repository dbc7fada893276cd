using ScaleLab.Runs;

namespace ScaleLab.Datasets;

/// <summary>
/// How many passes over its training split a run makes, before it runs. Beyond about 4 epochs repeated tokens lose
/// most of their value (Muennighoff et al. 2023), so a scaling point trained that way measures memorising, not scaling.
/// </summary>
public static class RepeatedData
{
    /// <summary>Epochs beyond which a study preview warns and a fit flags the point.</summary>
    public const double DefaultEpochLimit = 4;

    /// <summary>Runs listed by name in a warning; the rest are counted.</summary>
    private const int NamedRuns = 8;

    /// <summary>Epochs a run consumes of a split of <paramref name="trainTokens"/> tokens, counted as the trainer counts them.</summary>
    public static double Epochs(RunConfig run, long trainTokens) =>
        new WindowOrder(trainTokens, run.SeqLen, run.Seed).Epochs((long)run.Steps * run.BatchSize);

    /// <summary>
    /// One warning per data set whose runs would exceed <paramref name="limit"/> epochs, naming them. Runs whose
    /// split size is unknown before they run (<paramref name="trainTokens"/> gives null) are left to the fit's check.
    /// </summary>
    public static IReadOnlyList<string> Warnings(IEnumerable<(string Name, RunConfig Config)> runs, Func<RunConfig, (string Data, long TrainTokens)?> trainTokens, double limit)
    {
        var over = runs
            .Select(r => (r.Name, Split: trainTokens(r.Config), r.Config))
            .Where(r => r.Split is not null)
            .Select(r => (r.Name, r.Split!.Value.Data, Epochs: Epochs(r.Config, r.Split.Value.TrainTokens)))
            .Where(r => r.Epochs > limit)
            .GroupBy(r => r.Data);
        return over.Select(g =>
        {
            var named = string.Join(", ", g.OrderByDescending(r => r.Epochs).Take(NamedRuns).Select(r => $"{r.Name} ({r.Epochs:0.#} epochs)"));
            var more = g.Count() > NamedRuns ? $" and {g.Count() - NamedRuns} more" : "";
            return $"{g.Count()} run(s) would pass over {g.Key} more than {limit:0.#} times: {named}{more}. Repeated tokens lose most of their value beyond about 4 epochs; fits flag these points.";
        }).ToList();
    }
}
