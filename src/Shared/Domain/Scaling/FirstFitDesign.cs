namespace ScaleLab.Scaling;

/// <summary>
/// Where an adaptive design starts, before any fit is possible: the smallest design that makes one, three sizes at each
/// of the two cheapest budgets (two IsoFLOP profiles; six points of three sizes and two token counts for approach 3). A
/// budget's sizes are the candidates nearest its centre (the middle of its sizes, or its finished run of lowest loss);
/// a budget with three sizes whose losses bracket no minimum is extended by the next size on the side where its loss
/// falls. Queued runs count as present.
/// </summary>
internal static class FirstFitDesign
{
    private const int BudgetsNeeded = 2, Sizes = IsoFlopAnalysis.MinPointsPerBudget;

    public static IReadOnlyList<CandidateRun> Propose(IReadOnlyList<ScalingPoint> finished, IReadOnlyList<CandidateRun> pending,
        IReadOnlyList<CandidateRun> candidates, double maxCompute)
    {
        var chosen = new List<CandidateRun>();
        var ready = 0;
        var computes = finished.Select(p => p.Compute).Concat(pending.Select(r => r.Compute)).Concat(candidates.Select(c => c.Compute));
        foreach (var compute in BudgetsOf(computes))
        {
            if (ready == BudgetsNeeded) break;
            var add = Completion(
                finished.Where(p => SameBudget(p.Compute, compute)).ToList(),
                pending.Where(r => SameBudget(r.Compute, compute)).ToList(),
                candidates.Where(c => SameBudget(c.Compute, compute)).ToList());
            if (add is null || chosen.Sum(r => r.Compute) + add.Sum(r => r.Compute) > maxCompute) continue;
            chosen.AddRange(add);
            ready++;
        }
        if (chosen.Count > 0 || pending.Count > 0) return chosen;
        // Candidates not shaped as budgets of several sizes: the cheapest, up to the six points approach 3 needs.
        return candidates.Distinct().OrderBy(c => c.Compute).Take(Math.Max(0, BudgetsNeeded * Sizes - finished.Count))
            .Where(c => c.Compute <= maxCompute).ToList();
    }

    /// <summary>The runs that give one budget a profile: none when it has one or its queued runs may; null when it cannot get one.</summary>
    private static IReadOnlyList<CandidateRun>? Completion(IReadOnlyList<ScalingPoint> trained, IReadOnlyList<CandidateRun> queued, IReadOnlyList<CandidateRun> candidates)
    {
        if (IsoFlopAnalysis.Profile(trained) is not null) return [];
        var sizes = trained.Select(p => p.N).Concat(queued.Select(r => r.N)).ToHashSet();
        var untried = candidates.Where(c => !sizes.Contains(c.N)).DistinctBy(c => c.N).OrderBy(c => c.N).ToList();
        if (sizes.Count >= Sizes)
            return queued.Count > 0 ? [] : Beyond(trained, untried) is { } next ? [next] : null;
        var centre = trained.Count > 0
            ? Math.Log(trained.MinBy(p => p.Loss)!.N)
            : Median(candidates.Select(c => Math.Log(c.N)).Distinct().ToList());
        var add = untried.OrderBy(c => Math.Abs(Math.Log(c.N) - centre)).ThenBy(c => c.N).Take(Sizes - sizes.Count).ToList();
        return add.Count == Sizes - sizes.Count ? add : null;
    }

    /// <summary>At a budget whose sizes bracket no minimum: the next untried size beyond its lowest loss.</summary>
    private static CandidateRun? Beyond(IReadOnlyList<ScalingPoint> trained, IReadOnlyList<CandidateRun> untried)
    {
        var best = trained.MinBy(p => p.Loss)!.N;
        return best <= trained.Min(p => p.N) ? untried.LastOrDefault(c => c.N < best)
            : best >= trained.Max(p => p.N) ? untried.FirstOrDefault(c => c.N > best)
            : untried.MinBy(c => Math.Abs(Math.Log(c.N / best)));
    }

    private static double Median(IReadOnlyList<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>One compute per budget (its smallest), cheapest first: computes group as the IsoFLOP analysis groups them.</summary>
    public static IReadOnlyList<double> BudgetsOf(IEnumerable<double> computes)
    {
        var budgets = new List<double>();
        foreach (var c in computes.Order())
            if (budgets.Count == 0 || !SameBudget(c, budgets[^1])) budgets.Add(c);
        return budgets;
    }

    public static bool SameBudget(double a, double b) => Math.Abs(Math.Log10(a) - Math.Log10(b)) <= IsoFlopAnalysis.BudgetTolerance;
}
