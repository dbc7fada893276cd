using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Sweeps;

/// <summary>Row of table sweeps: an accepted study and its progress.</summary>
public sealed class SweepRecord
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Kind { get; set; }
    public SweepStatus Status { get; set; }
    public int Priority { get; set; }
    /// <summary>The spec exactly as submitted (jsonb), so a sweep can be re-expanded or shown.</summary>
    public required string SpecJson { get; set; }
    /// <summary>Who submitted it: "key " and the first 8 hex digits of the API key's hash, or "schedule NAME".</summary>
    public string Owner { get; set; } = "";
    public int RunCount { get; set; }
    public int RunsFinished { get; set; }
    public int RunsFailed { get; set; }
    public double PlannedFlops { get; set; }
    /// <summary>Labels a researcher gives the sweep, to find and group it (<see cref="ScaleLab.Catalog.SweepAnnotations"/>).</summary>
    public string[] Tags { get; set; } = [];
    public string Notes { get; set; } = "";
    /// <summary>Hidden from lists and pickers unless asked for; nothing else changes.</summary>
    public bool Archived { get; set; }
    /// <summary>
    /// An adaptive study still choosing runs (<see cref="ScaleLab.Sweeps.AdaptiveSweep"/>): it does not finish when its
    /// runs so far have, since it may add more.
    /// </summary>
    public bool DesignOpen { get; set; }
    /// <summary>An adaptive study's record (jsonb, <see cref="ScaleLab.Sweeps.AdaptiveLog"/>); null for other studies.</summary>
    public string? DesignJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
