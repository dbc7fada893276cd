namespace ScaleLab.Scaling;

/// <summary>
/// A law's compute-optimal loss at the points of <see cref="FrontierCrossings"/>' scan of [from, to], evenly spaced in
/// log C. Under a measured FLOP curve each point is a numerical minimisation, so a law compared with many others (an
/// adaptive design pairs one architecture's bootstrap refits with each fantasy of the other's) is scanned once.
/// </summary>
internal sealed class FrontierScan
{
    /// <summary>Scan steps over the range: 400, so two crossings closer than 1/400 of it count as none.</summary>
    public const int Steps = 400;

    public FrontierScan(LawFit fit, double from, double to)
    {
        (Fit, From, To) = (fit, from, to);
        double lo = Math.Log(from), hi = Math.Log(to);
        Losses = [.. Enumerable.Range(0, Steps + 1).Select(i => fit.LossAtCompute(Math.Exp(lo + (hi - lo) * i / Steps)))];
    }

    public LawFit Fit { get; }

    public double From { get; }

    public double To { get; }

    /// <summary>The loss at each of the <see cref="Steps"/> + 1 points, from <see cref="From"/> to <see cref="To"/>.</summary>
    public double[] Losses { get; }
}
