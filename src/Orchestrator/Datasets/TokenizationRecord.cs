using ScaleLab.Datasets;

namespace ScaleLab.Orchestrator.Datasets;

/// <summary>
/// Row of table dataset_tokenizations: the job that tokenizes one data set with one tokenizer, and its result. Workers
/// claim it (FOR UPDATE SKIP LOCKED) under a lease they renew with each progress report; a job whose lease ran out
/// (its worker died) is claimed again, and only the claim that holds the lease (<see cref="LeaseId"/>) may change it.
/// </summary>
public sealed class TokenizationRecord
{
    public Guid Id { get; set; }
    public Guid DatasetId { get; set; }
    public required string Tokenizer { get; set; }
    public TokenizationStatus Status { get; set; }
    public double Progress { get; set; }
    public int Attempt { get; set; }
    public string? Worker { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    /// <summary>Drawn at each claim; every later write by the worker names it, so a claim that lost the job changes nothing.</summary>
    public Guid? LeaseId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? Tokens { get; set; }
    public long? TrainTokens { get; set; }
    public long? ValidationTokens { get; set; }
    public long? ValidationBytes { get; set; }
    public long? SkippedLines { get; set; }
    /// <summary>Where the shards are, in container "datasets" of the artifact store.</summary>
    public string? ShardPrefix { get; set; }
    public string? ErrorField { get; set; }
    public string? Error { get; set; }
}
