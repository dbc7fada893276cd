namespace ScaleLab.Scaling;

/// <summary>
/// Where two groups' loss-vs-compute curves cross: a scan in log C for sign changes, each refined by bisection.
/// Curves can cross more than once (an arm ahead at small compute, behind in the middle, ahead again); the last
/// crossing is the one beyond which <see cref="FrontierCrossing.BetterAtHighCompute"/> stays ahead.
/// </summary>
internal static class FrontierCrossings
{
    public static FrontierCrossing Find(string nameA, LawFit a, string nameB, LawFit b, double from, double to) =>
        Find(nameA, new FrontierScan(a, from, to), nameB, new FrontierScan(b, from, to));

    /// <summary>The same on scans already made (of one range): a law compared with many others is scanned once.</summary>
    public static FrontierCrossing Find(string nameA, FrontierScan a, string nameB, FrontierScan b)
    {
        if (a.From != b.From || a.To != b.To) throw new ArgumentException("the scans cover different ranges", nameof(b));
        double Gap(double lnC) => a.Fit.LossAtCompute(Math.Exp(lnC)) - b.Fit.LossAtCompute(Math.Exp(lnC));
        double lo = Math.Log(a.From), hi = Math.Log(a.To);
        var better = a.Losses[^1] - b.Losses[^1] < 0 ? nameA : nameB;
        var roots = new List<double>();
        var previous = a.Losses[0] - b.Losses[0];
        for (var i = 1; i <= FrontierScan.Steps; i++)
        {
            var x = lo + (hi - lo) * i / FrontierScan.Steps;
            var gap = a.Losses[i] - b.Losses[i];
            if (double.IsFinite(previous) && double.IsFinite(gap) && Math.Sign(gap) != Math.Sign(previous) && gap != 0 && previous != 0)
                // The sign changed within the last scan step, but the gap may be no number somewhere inside it (a law
                // with no optimum there) or the change may span a zero: then the scan point itself, 1/400 of the range off at most.
                roots.Add(Math.Exp(MathNet.Numerics.RootFinding.Bisection.TryFindRoot(Gap, x - (hi - lo) / FrontierScan.Steps, x, 1e-10, 200, out var root) ? root : x));
            if (gap != 0) previous = gap;
        }
        return new FrontierCrossing(nameA, nameB, roots.Count > 0 ? roots[^1] : null, better, a.From, a.To, roots);
    }

    /// <summary>
    /// The crossing with its bootstrap interval: the last crossing of each replicate's pair of refits (replicate k of
    /// each group, drawn from the same seed), percentiles taken of log C. Pairs where either refit failed are left out;
    /// an interval from fewer than half the pairs crossing is not given (it would describe only the pairs that cross).
    /// </summary>
    public static FrontierCrossing WithInterval(FrontierCrossing crossing, IReadOnlyList<LawFit?> refitsA, IReadOnlyList<LawFit?> refitsB, double confidence)
    {
        var pairs = refitsA.Zip(refitsB).Where(p => p.First is not null && p.Second is not null).ToList();
        var lastCrossings = pairs.Select(p => Find(crossing.GroupA, p.First!, crossing.GroupB, p.Second!, crossing.SearchedFrom, crossing.SearchedTo).Compute is { } c
            ? Math.Log(c) : double.NaN).ToList();
        var crossed = lastCrossings.Count(double.IsFinite);
        var result = crossing with { Replicates = pairs.Count, Crossed = crossed };
        if (crossing.Compute is not { } at || pairs.Count == 0 || 2 * crossed < pairs.Count) return result;
        var estimate = Estimate.From(Math.Log(at), lastCrossings, confidence);
        return estimate is { Low: { } low, High: { } high } ? result with { Low = Math.Exp(low), High = Math.Exp(high) } : result;
    }
}
