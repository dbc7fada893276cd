using ScaleLab.Scheduling;

namespace ScaleLab.Orchestrator.Scheduling;

/// <summary>
/// A worker slot as the scheduler knows it, in memory only: slots announce themselves every few seconds, and the run
/// each one holds is also in run_queue, so a restarted scheduler rebuilds this from the table and the next heartbeats.
/// </summary>
public sealed class LiveSlot(WorkerSlot slot, DateTimeOffset lastSeen)
{
    public WorkerSlot Slot { get; set; } = slot;
    public DateTimeOffset LastSeen { get; set; } = lastSeen;
    /// <summary>False for a slot known only from the table, until it heartbeats: its memory is unknown, so it takes nothing.</summary>
    public bool Heard { get; set; }
    public AssignedRun? Run { get; set; }
    public string Id => Slot.SlotId;
}
