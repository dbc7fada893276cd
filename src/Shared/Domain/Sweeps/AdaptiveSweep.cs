using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Sweeps;

/// <summary>
/// The step an adaptive IsoFLOP study (<see cref="AdaptiveSpec"/>) takes whenever its runs change: stop when the
/// target's interval on the finished runs is narrower than the target width; otherwise top the runs in flight up to
/// <see cref="AdaptiveSpec.RunsPerRound"/> with <see cref="AdaptiveDesign"/>'s proposals (those in flight counting at
/// their predicted loss), within the compute cap; stop when nothing is in flight and nothing more is proposed.
/// Pure and deterministic: the same runs and results give the same step, so a step repeated after a crash queues the
/// same runs, whose ids (<see cref="SweepExpander.RunIdFor"/>) make the second insert a no-op.
/// </summary>
public static class AdaptiveSweep
{
    /// <summary>What to do now: runs to queue (possibly none: wait for those in flight), or a reason to stop.</summary>
    public sealed record Step(IReadOnlyList<PlannedRun> Queue, AdaptiveLog Log, AdaptiveStop? Stop, TargetInterval Interval);

    /// <param name="grid">The whole expanded grid: the candidates, and the runs already stored.</param>
    /// <param name="stored">The status of each run already stored (queued at an earlier step).</param>
    /// <param name="finished">The scaling points of the succeeded runs, counted as the study counts them.</param>
    public static Step Next(SweepSpec spec, IReadOnlyList<PlannedRun> grid, IReadOnlyDictionary<Guid, RunStatus> stored,
        IReadOnlyList<ScalingPoint> finished, AdaptiveLog? log, AdaptiveOptions? options = null)
    {
        var adaptive = spec.IsoFlop?.Adaptive ?? throw new ArgumentException("not an adaptive study", nameof(spec));
        options ??= new AdaptiveOptions();
        options = options with { Target = adaptive.DesignTarget };
        var gridFlops = grid.Sum(r => r.OwnFlops);
        log ??= new AdaptiveLog(adaptive.Target, adaptive.TargetWidth, gridFlops, adaptive.MaxComputeFraction * gridFlops, []);
        var candidateOf = grid.ToDictionary(r => r.RunId, r => Candidate(r, spec));
        // Two runs of one (N, D, C) are one candidate (the expander merges sizes that round to one shape; this is its backstop).
        var runOf = grid.Where(r => !stored.ContainsKey(r.RunId)).GroupBy(r => candidateOf[r.RunId]).ToDictionary(g => g.Key, g => g.First());
        var pending = grid.Where(r => stored.TryGetValue(r.RunId, out var s) && !s.IsTerminal()).Select(r => candidateOf[r.RunId]).ToList();
        var spent = grid.Where(r => stored.ContainsKey(r.RunId)).Sum(r => r.OwnFlops);

        var now = AdaptiveDesign.Interval(finished, options);
        if (now.Usable && now.Width < adaptive.TargetWidth) return Stopped(log, AdaptiveStop.TargetReached, now);

        var queue = new List<CandidateRun>();
        var untried = runOf.Keys.ToList();
        AdaptiveProposal? first = null;
        while (pending.Count + queue.Count < adaptive.RunsPerRound)
        {
            var proposal = AdaptiveDesign.Propose(finished, [.. pending, .. queue], untried, options, log.MaxFlops - spent - queue.Sum(r => r.Compute));
            if (proposal is null) break;
            first ??= proposal;
            queue.AddRange(proposal.Runs);
            foreach (var run in proposal.Runs) untried.Remove(run);
        }
        if (queue.Count == 0)
        {
            if (pending.Count > 0) return new Step([], log, null, now);
            var affordable = untried.Any(c => c.Compute <= log.MaxFlops - spent);
            return Stopped(log, affordable ? AdaptiveStop.NothingToPropose : AdaptiveStop.BudgetSpent, now);
        }
        var runs = queue.Select(c => runOf[c]).ToList();
        var round = new AdaptiveLogRound(log.Rounds.Count + 1, [.. runs.Select(r => r.Name)], first!.Reason.ToString(),
            spent + runs.Sum(r => r.OwnFlops), finished.Count, AdaptiveLogInterval.Of(now), first.ExpectedWidth);
        return new Step(runs, log.With(round), null, now);
    }

    /// <summary>
    /// Refuses a cap too small for the first fit (three sizes at each of two budgets): such a study would train runs
    /// that can never give a fit.
    /// </summary>
    public static void CheckStart(SweepSpec spec, IReadOnlyList<PlannedRun> grid, ValidationErrors errors)
    {
        var first = Next(spec, grid, new Dictionary<Guid, RunStatus>(), [], null);
        if (FirstFitDesign.BudgetsOf(first.Queue.Select(r => r.Flops)).Count >= 2) return;
        var needed = IsoFlopAnalysis.MinPointsPerBudget * spec.IsoFlop!.Budgets.Order().Take(2).Sum();
        errors.Add("isoflop.adaptive.maxComputeFraction",
            $"leaves {NumberFormat.Short(first.Log.MaxFlops)} FLOPs, too few for a first fit: three sizes at each of the two cheapest budgets need about {NumberFormat.Short(needed)}");
    }

    /// <summary>
    /// The design's view of a run: N as the study counts parameters, its tokens, its budget's compute; for a crossing,
    /// its architecture as a fit grouped by the axis names it ("mixer=gla", <see cref="GroupField"/>).
    /// </summary>
    public static CandidateRun Candidate(PlannedRun run, SweepSpec spec) =>
        new(spec.Counting.Parameters == ParameterCount.Total ? run.TotalParameters : run.NonEmbeddingParameters, run.Config.Tokens, run.Flops,
            GroupField(spec) is { } field ? $"{field}={System.Text.Json.JsonSerializer.SerializeToElement(run.Config, SpecJson.Options).GetProperty(field)}" : null);

    /// <summary>The config field whose values are the architectures a crossing compares (the study's one axis); null for other targets.</summary>
    public static string? GroupField(SweepSpec spec) =>
        spec.IsoFlop?.Adaptive is { Target: AdaptiveSpec.CrossingCompute } && spec.Axes.Count == 1 ? spec.Axes[0].Parameter : null;

    private static Step Stopped(AdaptiveLog log, AdaptiveStop stop, TargetInterval now) =>
        new([], log with { Stop = stop.ToString(), Final = AdaptiveLogInterval.Of(now) }, stop, now);
}
