namespace ScaleLab.Scaling;

/// <summary>
/// An adaptive study in rounds, as a study mode would run it, with training replaced by a function: each round queues
/// <c>runsPerRound</c> runs proposed by <see cref="AdaptiveDesign"/> (the later ones with the earlier ones pending at
/// their predicted loss), trains them, and refits; it stops when the target's interval is narrower than
/// <c>targetWidth</c>, when the compute budget is spent, or when nothing more is proposed. For tests and benchmarks:
/// <c>train</c> returns a run's loss, e.g. a known law with noise. Deterministic for a seed when <c>train</c> is.
/// </summary>
public static class AdaptiveStudy
{
    public static AdaptiveHistory Simulate(IReadOnlyList<CandidateRun> candidates, Func<CandidateRun, double> train, double computeBudget,
        AdaptiveOptions options, int runsPerRound = 1, double targetWidth = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runsPerRound, 1);
        var points = new List<ScalingPoint>();
        var untried = candidates.ToList();
        var rounds = new List<AdaptiveRound>();
        var spent = 0.0;
        while (true)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var queued = new List<CandidateRun>();
            while (queued.Count < runsPerRound)
            {
                var proposal = AdaptiveDesign.Propose(points, queued, untried, options, computeBudget - spent - queued.Sum(r => r.Compute));
                if (proposal is null) break;
                queued.AddRange(proposal.Runs);
                foreach (var run in proposal.Runs) untried.Remove(run); // one of each: a candidate listed twice may be trained twice
            }
            if (queued.Count == 0)
                return new AdaptiveHistory(rounds, points, spent,
                    untried.Any(c => c.Compute <= computeBudget - spent) ? AdaptiveStop.NothingToPropose : AdaptiveStop.BudgetSpent);
            var trained = queued.Select(r => r.Trained(train(r))).ToList();
            points.AddRange(trained);
            spent += queued.Sum(r => r.Compute);
            var interval = AdaptiveDesign.Interval(points, options);
            rounds.Add(new AdaptiveRound(rounds.Count + 1, trained, spent, interval));
            if (interval.Usable && interval.Width < targetWidth) return new AdaptiveHistory(rounds, points, spent, AdaptiveStop.TargetReached);
        }
    }
}
