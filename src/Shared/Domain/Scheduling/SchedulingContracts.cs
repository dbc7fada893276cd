using ScaleLab.Runs;

namespace ScaleLab.Scheduling;

/// <summary>A run waiting for a slot.</summary>
public sealed record RunTicket(
    Guid RunId,
    Guid SweepId,
    string Name,
    int Priority,
    RunConfig Config);

/// <summary>A device slot of a worker silo, as it announces itself on every heartbeat.</summary>
public sealed record WorkerSlot(
    string SlotId,
    string DeviceKind,
    int DeviceIndex,
    string DeviceName,
    long MemoryBytes,
    Guid? CurrentRunId);
public sealed record SlotView(
    WorkerSlot Slot,
    Guid? AssignedRunId,
    DateTimeOffset LastSeen);
public sealed record SchedulerSnapshot(
    int QueuedRuns,
    IReadOnlyList<SlotView> Slots);
