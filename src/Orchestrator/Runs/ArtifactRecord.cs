namespace ScaleLab.Orchestrator.Runs;

/// <summary>Row of table artifacts: a file of a run kept in blob storage (checkpoints now; logs and reports later).</summary>
public sealed class ArtifactRecord
{
    public Guid Id { get; set; }
    public Guid RunId { get; set; }
    public required string Kind { get; set; }
    public required string Name { get; set; }
    public required string Uri { get; set; }
    public long Bytes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
