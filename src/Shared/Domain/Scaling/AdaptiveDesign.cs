using MathNet.Numerics.Distributions;

namespace ScaleLab.Scaling;

/// <summary>
/// Chooses the next run of a scaling study where it narrows the bootstrap interval of the researcher's target (the N_opt
/// exponent a; <see cref="DesignTarget"/>) the most per FLOP. Each candidate's outcome is fantasised from the current
/// fit (the fitted law's loss there, times e^(±σz) for the run-to-run noise σ), the target's interval is refitted with
/// the bootstrap on the points with that outcome added, and the candidate scores the expected narrowing divided by its
/// compute: the expected reduction of a posterior's spread per unit cost, as Bayesian experimental design scores
/// experiments (Chaloner and Verdinelli 1995), with the bootstrap standing in for the posterior. Runs already queued
/// enter at their predicted loss ("kriging believer", Ginsbourger et al. 2010), so a round can propose several.
/// Before any fit is possible it proposes the smallest design that makes one (<see cref="FirstFitDesign"/>).
/// Pure: no IO, deterministic for a seed (every candidate is scored on the same bootstrap resamples and noise draws).
/// </summary>
public static class AdaptiveDesign
{
    /// <summary>The runs an IsoFLOP parabola needs at a budget before it says anything.</summary>
    private const int SizesPerProfile = IsoFlopAnalysis.MinPointsPerBudget;

    /// <summary>The target's estimate and interval on these points, as <see cref="ScalingAnalysis.Run"/> reports them.</summary>
    public static TargetInterval Interval(IReadOnlyList<ScalingPoint> points, AdaptiveOptions options) =>
        TargetLaw.Fit(options.Target, points, options.Fit)?.Interval(options.Fit) ?? TargetInterval.None(options.Bootstrap);

    /// <summary>
    /// The runs to train next, among <paramref name="candidates"/> (runs neither finished nor queued), given the
    /// <paramref name="finished"/> runs' points and the <paramref name="pending"/> runs already queued; at most
    /// <paramref name="maxCompute"/> FLOPs in all. Null when nothing affordable is left to propose, or when only the
    /// pending runs' results can tell what comes next (the first fit's runs are all queued).
    /// </summary>
    public static AdaptiveProposal? Propose(IReadOnlyList<ScalingPoint> finished, IReadOnlyList<CandidateRun> pending,
        IReadOnlyList<CandidateRun> candidates, AdaptiveOptions options, double maxCompute = double.PositiveInfinity)
    {
        var fit = options.Fit;
        var law = TargetLaw.Fit(options.Target, finished, fit);
        if (law is null)
        {
            var first = options.Target == DesignTarget.CrossingCompute
                ? FirstFitByGroup(finished, pending, candidates, maxCompute)
                : FirstFitDesign.Propose(finished, pending, candidates, maxCompute);
            return first.Count == 0 ? null : new AdaptiveProposal(first, ProposalReason.FirstFit, TargetInterval.None(options.Bootstrap), null, 0);
        }

        var believed = finished.Concat(pending.Select(r => r.Trained(law.PredictLoss(r)))).ToList();
        var current = pending.Count == 0 ? law : law.Refit(believed, fit) ?? law;
        var now = current.Interval(fit);
        var sigma = options.Noise ?? law.ResidualNoise() ?? options.PriorNoise;
        var moves = Moves(current, believed, candidates, options.Target).Where(m => m.Sum(r => r.Compute) <= maxCompute).ToList();
        if (moves.Count == 0) return null;
        var draws = Draws(options, moves.Max(m => m.Count));

        AdaptiveProposal? best = null;
        foreach (var move in moves)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var predicted = move.Select(current.PredictLoss).ToArray();
            if (!predicted.All(l => double.IsFinite(l) && l > 0)) continue;
            var fantasies = draws.Select(z => current.Refit(believed.Concat(move.Select((r, i) => r.Trained(predicted[i] * Math.Exp(sigma * z[i])))).ToList(), fit)
                ?.Interval(fit) ?? TargetInterval.None(options.Bootstrap)).ToList();
            var gain = now.Usable
                ? fantasies.Average(f => now.Width - (f.Usable ? f.Width : now.Width))
                : fantasies.Average(f => f.SuccessFraction - now.SuccessFraction);
            var usable = fantasies.Where(f => f.Usable).ToList();
            var proposal = new AdaptiveProposal(move, now.Usable ? ProposalReason.NarrowInterval : ProposalReason.UsableInterval, now,
                usable.Count == 0 ? null : usable.Average(f => f.Width), gain);
            // Gains per FLOP where some move gains; where none does (the bootstrap's own noise), the least loss, then the cheapest.
            if (best is null || Better(proposal, best)) best = proposal;
        }
        return best;
    }

    /// <summary>Two architectures compared: the first fit of each, within what is left of the compute.</summary>
    private static IReadOnlyList<CandidateRun> FirstFitByGroup(IReadOnlyList<ScalingPoint> finished, IReadOnlyList<CandidateRun> pending,
        IReadOnlyList<CandidateRun> candidates, double maxCompute)
    {
        var chosen = new List<CandidateRun>();
        foreach (var group in candidates.Select(c => c.Group).Distinct().Order(StringComparer.Ordinal))
            chosen.AddRange(FirstFitDesign.Propose(finished.Where(p => p.Group == group).ToList(), pending.Where(r => r.Group == group).ToList(),
                candidates.Where(c => c.Group == group).ToList(), maxCompute - chosen.Sum(r => r.Compute)));
        return chosen;
    }

    private static bool Better(AdaptiveProposal a, AdaptiveProposal b) =>
        a.ExpectedGain > 0 || b.ExpectedGain > 0
            ? a.Score > b.Score
            : a.ExpectedGain > b.ExpectedGain || (a.ExpectedGain == b.ExpectedGain && a.Compute < b.Compute);

    /// <summary>
    /// For the N_opt exponent of IsoFLOP profiles: one run at a budget with three sizes or more; at a budget with fewer,
    /// the runs that give it three (one run alone would change no parabola), of the sizes the law expects lowest there.
    /// For approach 3, every candidate alone.
    /// </summary>
    private static IEnumerable<IReadOnlyList<CandidateRun>> Moves(TargetLaw law, IReadOnlyList<ScalingPoint> points,
        IReadOnlyList<CandidateRun> candidates, DesignTarget target)
    {
        if (target != DesignTarget.IsoFlopExponent)
        {
            foreach (var c in candidates.Distinct()) yield return [c];
            yield break;
        }
        foreach (var compute in FirstFitDesign.BudgetsOf(candidates.Select(c => c.Compute)))
        {
            var budget = candidates.Where(c => FirstFitDesign.SameBudget(c.Compute, compute)).ToList();
            var sizes = points.Where(p => FirstFitDesign.SameBudget(p.Compute, compute)).Select(p => p.N).ToHashSet();
            if (sizes.Count >= SizesPerProfile)
            {
                foreach (var c in budget.Distinct()) yield return [c];
                continue;
            }
            var completion = budget.Where(c => !sizes.Contains(c.N)).DistinctBy(c => c.N)
                .OrderBy(law.PredictLoss).Take(SizesPerProfile - sizes.Count).ToList();
            if (completion.Count == SizesPerProfile - sizes.Count) yield return completion;
        }
    }

    /// <summary>Standard normal draws per fantasy and run of a move: antithetic pairs (+z, −z), then z = 0 when the count is odd.</summary>
    private static double[][] Draws(AdaptiveOptions options, int runs)
    {
        var normal = new Normal(0, 1, new Random(options.Seed));
        var draws = new List<double[]>();
        for (var pair = 0; pair < Math.Max(1, options.Fantasies) / 2; pair++)
        {
            var z = Enumerable.Range(0, runs).Select(_ => normal.Sample()).ToArray();
            draws.Add(z);
            draws.Add(z.Select(v => -v).ToArray());
        }
        if (Math.Max(1, options.Fantasies) % 2 == 1) draws.Add(new double[runs]);
        return draws.ToArray();
    }
}
