using ScaleLab.Runs;

namespace ScaleLab.Orchestrator.Runs;

[GenerateSerializer, Alias("ScaleLab.Orchestrator.Runs.RunState")]
public sealed class RunState
{
    [Id(0)] public RunStatus Status { get; set; } = RunStatus.Queued;
    [Id(1)] public int Attempt { get; set; }
    [Id(2)] public string? SlotId { get; set; }
    [Id(3)] public Guid SweepId { get; set; }
    /// <summary>Set when the sweep's early-stopping rule stops the run: its cancelled attempt then ends as Stopped.</summary>
    [Id(4)] public string? StopReason { get; set; }
}
