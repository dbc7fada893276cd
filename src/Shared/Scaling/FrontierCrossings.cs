namespace ScaleLab.Scaling;

/// <summary>Where two groups' loss-vs-compute curves cross: a scan in log C for a sign change, refined by bisection.</summary>
internal static class FrontierCrossings
{
    private const int ScanPoints = 400;

    public static FrontierCrossing Find(string nameA, LawFit a, string nameB, LawFit b, double from, double to)
    {
        double Gap(double lnC) => a.LossAtCompute(Math.Exp(lnC)) - b.LossAtCompute(Math.Exp(lnC));
        double lo = Math.Log(from), hi = Math.Log(to);
        var better = Gap(hi) < 0 ? nameA : nameB;
        var previous = Gap(lo);
        for (var i = 1; i <= ScanPoints; i++)
        {
            var x = lo + (hi - lo) * i / ScanPoints;
            var gap = Gap(x);
            if (double.IsFinite(previous) && double.IsFinite(gap) && Math.Sign(gap) != Math.Sign(previous) && gap != 0)
            {
                var root = MathNet.Numerics.RootFinding.Bisection.FindRoot(Gap, x - (hi - lo) / ScanPoints, x, 1e-10);
                return new FrontierCrossing(nameA, nameB, Math.Exp(root), better, from, to);
            }
            previous = gap;
        }
        return new FrontierCrossing(nameA, nameB, null, better, from, to);
    }
}
