using ScaleLab.Runs;

namespace ScaleLab.Scheduling;

/// <summary>A sweep's share of the queue: its runs waiting for a slot, and where its earliest one stands in the queue.</summary>
public sealed record QueuedSweep(
    Guid SweepId,
    string Owner,
    int Priority,
    long FirstPosition,
    int Queued);

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
