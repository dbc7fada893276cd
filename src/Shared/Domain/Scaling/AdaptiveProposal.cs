namespace ScaleLab.Scaling;

/// <summary>Why an adaptive design proposed what it did.</summary>
public enum ProposalReason
{
    /// <summary>No fit is possible yet: the smallest design that makes one (three sizes at each of the two cheapest budgets).</summary>
    FirstFit,

    /// <summary>A fit exists but fewer than half its bootstrap refits succeed: the runs expected to raise that share the most per FLOP.</summary>
    UsableInterval,

    /// <summary>The runs expected to narrow the target's interval the most per FLOP.</summary>
    NarrowInterval,
}

/// <summary>
/// What an adaptive design asks to train next: usually one run; the runs that give a budget its first three sizes
/// together (a parabola needs three, so one alone would change nothing); the first fit's design at the start.
/// <see cref="Now"/> is the target's interval on the finished runs with the pending ones at their predicted loss;
/// <see cref="ExpectedWidth"/> the mean of its width over the fantasised outcomes of these runs (null at the start, or
/// when no fantasy gave a usable interval); <see cref="ExpectedGain"/> what these runs are expected to gain: the
/// narrowing of the interval (<see cref="ProposalReason.NarrowInterval"/>) or the rise in the share of bootstrap refits
/// that succeed (<see cref="ProposalReason.UsableInterval"/>); <see cref="Score"/>, that gain per FLOP, is what the
/// runs were chosen by. A gain that is not positive says no candidate is expected to help: the best is still
/// proposed (the estimate is noisy; stopping on it cut a simulated study's interval less than spending the budget did),
/// and a caller may stop there.
/// </summary>
public sealed record AdaptiveProposal(
    IReadOnlyList<CandidateRun> Runs,
    ProposalReason Reason,
    TargetInterval Now,
    double? ExpectedWidth,
    double ExpectedGain)
{
    public double Compute => Runs.Sum(r => r.Compute);

    public double Score => ExpectedGain / Compute;
}
