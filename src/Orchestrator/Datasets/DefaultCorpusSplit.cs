namespace ScaleLab.Orchestrator.Datasets;

/// <summary>
/// Row of table default_corpus_splits: the training split of the default corpus in one of its tokenizations, as a
/// worker last built it (its size depends on the worker's packages and Training:CorpusBytes). The preview sizes runs
/// on the default corpus by it.
/// </summary>
public sealed class DefaultCorpusSplit
{
    /// <summary>The run's tokenizer field: "bytes" or "bpe" (cl100k, compacted: the same count of tokens).</summary>
    public required string Tokenizer { get; set; }
    public long TrainTokens { get; set; }
    public string? ContentHash { get; set; }
    public DateTimeOffset ReportedAt { get; set; }
}
