using System.Globalization;
using ScaleLab.Runs;
using ScaleLab.Scaling;

namespace ScaleLab.Catalog;

/// <summary>
/// Runs grouped by a field, one group per value, as a runs table shows them: by a config field that varies across the
/// sweep (<see cref="SweepFields"/>), by <see cref="Status"/>, or by compute <see cref="Budget"/>. The runs come in
/// already filtered and sorted; each group keeps their order, so grouping combines with any filter and sort.
/// </summary>
public static class RunGroups
{
    /// <summary>Group by the run's status, in the order a run passes through them (queued, running, then how it ended).</summary>
    public const string Status = "status";

    /// <summary>
    /// Group by planned training FLOPs, runs within <see cref="IsoFlopAnalysis.BudgetTolerance"/> decades of a group's
    /// smallest in one group: the budgets of an IsoFLOP study, grouped as its fit groups them, each named by its runs'
    /// median FLOPs to 2 significant digits (≈ 3E+13).
    /// </summary>
    public const string Budget = "budget";

    /// <summary>What a table can group a sweep's runs by: status, budget, then the config fields its runs differ in.</summary>
    public static IReadOnlyList<string> Keys(SweepFields? fields) => [Status, Budget, .. fields?.Names ?? []];

    /// <summary>
    /// The runs in one group per value of <paramref name="field"/>, in the value's order (numbers numerically, a run
    /// without the field last), or null when the runs cannot be grouped by it (not a key, or the fields not read yet).
    /// </summary>
    public static IReadOnlyList<RunGroup>? By(IReadOnlyList<RunSummary> runs, string field, SweepFields? fields)
    {
        if (field == Status)
            return [.. runs.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => Group(field, g.Key.ToString(), [.. g]))];
        if (field == Budget) return ByBudget(runs);
        var index = fields?.Names.ToList().IndexOf(field) ?? -1;
        if (index < 0) return null;
        string ValueOf(RunSummary r) => fields!.Values.TryGetValue(r.Id, out var values) ? values[index] : SweepFields.Missing;
        var byValue = runs.GroupBy(ValueOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return [.. SweepFields.InOrder(byValue.Keys).Select(value => Group(field, value, byValue[value]))];
    }

    private static List<RunGroup> ByBudget(IReadOnlyList<RunSummary> runs)
    {
        var budgets = new List<(double Smallest, HashSet<Guid> Runs)>();
        foreach (var r in runs.OrderBy(r => r.PlannedFlops))
        {
            if (budgets.Count == 0 || Math.Log10(r.PlannedFlops) - Math.Log10(budgets[^1].Smallest) > IsoFlopAnalysis.BudgetTolerance)
                budgets.Add((r.PlannedFlops, []));
            budgets[^1].Runs.Add(r.Id);
        }
        var members = budgets.Select(b => runs.Where(r => b.Runs.Contains(r.Id)).ToList()).ToList();   // in the table's order, not by FLOPs
        var centres = members.Select(m => Median(m.Select(r => r.PlannedFlops))!.Value).ToList();
        // Named as a study names its budgets (3E+13, not the median run's 3.001E+13), unless two budgets would share a name.
        var names = centres.Select(c => c.ToString("0.#E+0", CultureInfo.InvariantCulture)).ToList();
        if (names.Distinct().Count() < names.Count) names = [.. centres.Select(NumberFormat.Short)];
        return [.. members.Select((m, i) => Group(Budget, names[i], m))];
    }

    private static RunGroup Group(string field, string value, List<RunSummary> runs) => new(field, value, runs, RunGroupSummary.Of(runs));

    /// <summary>The middle value, or the mean of the two middle ones; null for none.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>The runs sharing <paramref name="Value"/> of <paramref name="Field"/>, in the table's order, and what its header says of them.</summary>
public sealed record RunGroup(string Field, string Value, IReadOnlyList<RunSummary> Runs, RunGroupSummary Summary)
{
    /// <summary>The group's name in its header: "mixer = gla", "status Failed", "budget ≈ 5E+10 FLOPs".</summary>
    public string Label => Field switch
    {
        RunGroups.Status => $"status {Value}",
        RunGroups.Budget => $"budget ≈ {Value} FLOPs",
        _ => $"{Field} = {Value}",
    };
}

/// <summary>
/// A group's header: how many runs, how many succeeded and failed, and its final training losses: the best (and the
/// run that reached it) and the median, over the runs that have one; the median final validation loss likewise.
/// </summary>
public sealed record RunGroupSummary(int Count, int Succeeded, int Failed, double? BestLoss, string? BestRun, double? MedianLoss, double? MedianValLoss)
{
    public static RunGroupSummary Of(IReadOnlyList<RunSummary> runs)
    {
        var best = runs.Where(r => r.FinalLoss is not null).MinBy(r => r.FinalLoss);
        return new RunGroupSummary(runs.Count, runs.Count(r => r.Status == RunStatus.Succeeded), runs.Count(r => r.Status == RunStatus.Failed),
            best?.FinalLoss, best?.Name,
            RunGroups.Median(runs.Select(r => r.FinalLoss).OfType<double>()),
            RunGroups.Median(runs.Select(r => r.FinalValLoss).OfType<double>()));
    }
}
