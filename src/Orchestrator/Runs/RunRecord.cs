using ScaleLab.Runs;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>Row of table runs: one training run of a sweep, its accounting and its latest known state.</summary>
public sealed class RunRecord
{
    public Guid Id { get; set; }
    public Guid SweepId { get; set; }
    public required string Name { get; set; }
    public RunStatus Status { get; set; }
    /// <summary>The run's <see cref="RunConfig"/> as JSON (jsonb).</summary>
    public required string ConfigJson { get; set; }
    public long NonEmbeddingParameters { get; set; }
    public long TotalParameters { get; set; }
    public long PlannedTokens { get; set; }
    /// <summary>The compute of the model it leaves, all its steps counted (what a fit reads); a branch spends only those from <see cref="FirstStep"/>.</summary>
    public double PlannedFlops { get; set; }
    /// <summary>The run whose checkpoint it starts from (a ladder's trunk), or null for a run trained from scratch.</summary>
    public Guid? ParentRunId { get; set; }
    /// <summary>The step it starts from: 0, or its branch point in the parent.</summary>
    public int FirstStep { get; set; }
    public int Attempt { get; set; }
    /// <summary>Attempts handed out by the scheduler; each dispatch takes the next, so a newer attempt always has a larger number.</summary>
    public int Dispatches { get; set; }
    public string? SlotId { get; set; }
    public int StepsDone { get; set; }
    public int TotalSteps { get; set; }
    public long TokensSeen { get; set; }
    public double? LastLoss { get; set; }
    public double? FinalLoss { get; set; }
    public double? FinalValLoss { get; set; }
    public string? Error { get; set; }
    /// <summary>Set when the sweep's early-stopping rule stops the run: its cancelled attempt then ends as Stopped, for this reason.</summary>
    public string? StopReason { get; set; }
    public double? WallClockSeconds { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
