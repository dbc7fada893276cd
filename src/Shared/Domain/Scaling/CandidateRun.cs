namespace ScaleLab.Scaling;

/// <summary>
/// A run an adaptive design may ask for: N parameters trained on D tokens for <see cref="Compute"/> FLOPs, counted as
/// the study counts them (an IsoFLOP design's budget; e.g. one budget x size of <c>SweepExpander</c>'s expansion);
/// <see cref="Group"/> is its architecture where the target compares two.
/// </summary>
public sealed record CandidateRun(double N, double D, double Compute, string? Group = null)
{
    /// <summary>An IsoFLOP candidate under C = 6·N·D: N parameters on the tokens that spend <paramref name="compute"/>.</summary>
    public static CandidateRun AtBudget(double n, double compute) => new(n, compute / (6 * n), compute);

    /// <summary>The scaling point of this run once trained to <paramref name="loss"/>.</summary>
    public ScalingPoint Trained(double loss) => new(N, D, loss, Compute, Group);
}
