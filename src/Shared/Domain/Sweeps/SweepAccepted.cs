namespace ScaleLab.Sweeps;

/// <summary>A sweep the orchestrator has accepted, and how many runs it expanded into.</summary>
public sealed record SweepAccepted(Guid SweepId, int RunCount);
