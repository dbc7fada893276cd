using ScaleLab.Runs;

namespace ScaleLab.Scheduling;

/// <summary>A run waiting for a slot.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scheduling.RunTicket")]
public sealed record RunTicket(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] Guid SweepId,
    [property: Id(2)] string Name,
    [property: Id(3)] int Priority,
    [property: Id(4)] RunConfig Config);

/// <summary>A device slot of a worker silo, as it announces itself on every heartbeat.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scheduling.WorkerSlot")]
public sealed record WorkerSlot(
    [property: Id(0)] string SlotId,
    [property: Id(1)] string DeviceKind,
    [property: Id(2)] int DeviceIndex,
    [property: Id(3)] string DeviceName,
    [property: Id(4)] long MemoryBytes,
    [property: Id(5)] Guid? CurrentRunId);

[GenerateSerializer, Immutable, Alias("ScaleLab.Scheduling.SlotView")]
public sealed record SlotView(
    [property: Id(0)] WorkerSlot Slot,
    [property: Id(1)] Guid? AssignedRunId,
    [property: Id(2)] DateTimeOffset LastSeen);

[GenerateSerializer, Immutable, Alias("ScaleLab.Scheduling.SchedulerSnapshot")]
public sealed record SchedulerSnapshot(
    [property: Id(0)] int QueuedRuns,
    [property: Id(1)] IReadOnlyList<SlotView> Slots);
