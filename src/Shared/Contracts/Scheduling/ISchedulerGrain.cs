using Orleans.Concurrency;

namespace ScaleLab.Scheduling;

/// <summary>Places queued runs onto free worker slots. One per cluster, keyed <see cref="Default"/>.</summary>
public interface ISchedulerGrain : IGrainWithStringKey
{
    public const string Default = "default";

    /// <summary>Queues the sweep's unfinished runs. Idempotent: a run already queued or on a slot is not queued again.</summary>
    Task EnqueueSweepAsync(Guid sweepId);

    /// <summary>A slot announces itself (first time or periodically); a slot not heard from for a while is presumed dead.</summary>
    Task HeartbeatAsync(WorkerSlot slot);

    /// <summary>The slot has finished with the run (whatever the outcome) and is free.</summary>
    Task ReleaseAsync(string slotId, Guid runId);

    Task<SchedulerSnapshot> GetSnapshotAsync();

    /// <summary>
    /// Offers the free slots the waiting runs. The scheduler sends this to itself after releases, so the releases
    /// that queue up meanwhile are claimed for in one batch; calling it from outside only brings a dispatch forward.
    /// </summary>
    [OneWay]
    Task DispatchAsync();

    /// <summary>
    /// A slot could not take the run it was given (its silo is gone, or it is busy): the slot is dropped and the run
    /// re-queued. The scheduler sends this to itself when a start call fails, so its turns never wait on a worker.
    /// </summary>
    Task SlotRefusedAsync(string slotId, Guid runId, string reason);

    /// <summary>Drops the sweep's queued runs and tells the slots training its runs to stop.</summary>
    Task CancelSweepAsync(Guid sweepId);

    /// <summary>Stops one run: dropped from the queue, or cancelled on its slot. False when it is neither queued nor on a slot.</summary>
    Task<bool> StopRunAsync(Guid runId);
}
