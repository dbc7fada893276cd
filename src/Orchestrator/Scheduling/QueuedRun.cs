namespace ScaleLab.Orchestrator.Scheduling;

/// <summary>
/// Row of table run_queue: a run waiting for a slot (no slot), or given to one (its slot). A run is in the table
/// until its slot releases it, so it is never both queued and on a slot, nor on two slots. Written only through
/// <see cref="RunQueue"/>; mapped here so the schema lives in the migrations with every other table.
/// </summary>
public sealed class QueuedRun
{
    public Guid RunId { get; set; }
    public Guid SweepId { get; set; }
    public string Owner { get; set; } = "";
    public int Priority { get; set; }
    /// <summary>Order of arrival; a re-queued run keeps its own, so it goes before the runs queued after it.</summary>
    public long Position { get; set; }
    /// <summary>The run's memory estimate on a CUDA slot and on a CPU slot, so fitting a slot is a predicate of the query.</summary>
    public long CudaBytes { get; set; }
    public long CpuBytes { get; set; }
    public string? SlotId { get; set; }
    public DateTimeOffset QueuedAt { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
}
