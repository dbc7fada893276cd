using ScaleLab.Scheduling;

namespace ScaleLab.Orchestrator.Scheduling;

[GenerateSerializer, Alias("ScaleLab.Orchestrator.Scheduling.SchedulerState")]
public sealed class SchedulerState
{
    [Id(0)] public List<RunTicket> Queue { get; set; } = [];
    [Id(1)] public Dictionary<string, SlotAssignment> Slots { get; set; } = [];
    /// <summary>Attempts handed out per run, so every dispatch of a run has a new, larger attempt number.</summary>
    [Id(2)] public Dictionary<Guid, int> Attempts { get; set; } = [];
    /// <summary>Sweeps cancelled: their runs are never queued again, whatever re-queues them.</summary>
    [Id(3)] public HashSet<Guid> CancelledSweeps { get; set; } = [];
}

[GenerateSerializer, Alias("ScaleLab.Orchestrator.Scheduling.SlotAssignment")]
public sealed class SlotAssignment
{
    [Id(0)] public required WorkerSlot Slot { get; set; }
    [Id(1)] public RunTicket? Ticket { get; set; }
    [Id(2)] public DateTimeOffset AssignedAt { get; set; }
    [Id(3)] public DateTimeOffset LastSeen { get; set; }
}
