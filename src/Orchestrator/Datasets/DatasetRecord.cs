namespace ScaleLab.Orchestrator.Datasets;

/// <summary>Row of table datasets: a registered data set. Its statistics are filled in by the first tokenization that finishes.</summary>
public sealed class DatasetRecord
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Source { get; set; }
    public required string Format { get; set; }
    public required string TextField { get; set; }
    public double ValidationFraction { get; set; }
    public int TokenBytes { get; set; }
    public string Owner { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>SHA-256 of the content as first tokenized; a later tokenization of changed files is refused.</summary>
    public string? ContentHash { get; set; }
    public int? Files { get; set; }
    public long? Documents { get; set; }
    public long? Bytes { get; set; }
    public List<TokenizationRecord> Tokenizations { get; set; } = [];
}
