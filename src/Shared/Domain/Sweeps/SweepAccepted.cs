namespace ScaleLab.Sweeps;

/// <summary>A sweep the orchestrator has accepted, and how many runs it expanded into.</summary>
public sealed record SweepAccepted(Guid SweepId, int RunCount)
{
    /// <summary>
    /// What the researcher should know about the study, the same as its preview's <see cref="SweepPreview.Warnings"/>
    /// (such as a study of many device-days): it was accepted all the same. Empty when an older service sent none.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
