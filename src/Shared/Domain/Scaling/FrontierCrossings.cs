namespace ScaleLab.Scaling;

/// <summary>
/// Where two groups' loss-vs-compute curves cross: a scan in log C for sign changes, each refined by bisection.
/// Curves can cross more than once (an arm ahead at small compute, behind in the middle, ahead again); the last
/// crossing is the one beyond which <see cref="FrontierCrossing.BetterAtHighCompute"/> stays ahead.
/// </summary>
internal static class FrontierCrossings
{
    private const int ScanPoints = 400;

    public static FrontierCrossing Find(string nameA, LawFit a, string nameB, LawFit b, double from, double to)
    {
        double Gap(double lnC) => a.LossAtCompute(Math.Exp(lnC)) - b.LossAtCompute(Math.Exp(lnC));
        double lo = Math.Log(from), hi = Math.Log(to);
        var better = Gap(hi) < 0 ? nameA : nameB;
        var roots = new List<double>();
        var previous = Gap(lo);
        for (var i = 1; i <= ScanPoints; i++)
        {
            var x = lo + (hi - lo) * i / ScanPoints;
            var gap = Gap(x);
            if (double.IsFinite(previous) && double.IsFinite(gap) && Math.Sign(gap) != Math.Sign(previous) && gap != 0 && previous != 0)
                roots.Add(Math.Exp(MathNet.Numerics.RootFinding.Bisection.FindRoot(Gap, x - (hi - lo) / ScanPoints, x, 1e-10)));
            if (gap != 0) previous = gap;
        }
        return new FrontierCrossing(nameA, nameB, roots.Count > 0 ? roots[^1] : null, better, from, to, roots);
    }
}
