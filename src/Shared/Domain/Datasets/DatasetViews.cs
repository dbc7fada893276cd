using System.Text.Json.Serialization;

namespace ScaleLab.Datasets;

[JsonConverter(typeof(JsonStringEnumConverter<TokenizationStatus>))]
public enum TokenizationStatus { Queued, Running, Succeeded, Failed }

/// <summary>A data set's status as a whole, from its tokenizations.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetStatus>))]
public enum DatasetStatus { Tokenizing, Ready, Failed }

/// <summary>A registered data set as GET /api/datasets shows it; the content statistics come from its first finished tokenization.</summary>
public sealed record DatasetView(
    Guid Id,
    string Name,
    string Source,
    string Format,
    string? TextField,
    double ValidationFraction,
    string Owner,
    DateTimeOffset CreatedAt,
    string? ContentHash,
    int? Files,
    long? Documents,
    long? Bytes,
    IReadOnlyList<TokenizationView> Tokenizations)
{
    /// <summary>Ready when every tokenization succeeded, Failed when one failed, else the job is still under way.</summary>
    public DatasetStatus Status =>
        Tokenizations.Any(t => t.Status == TokenizationStatus.Failed) ? DatasetStatus.Failed
        : Tokenizations.All(t => t.Status == TokenizationStatus.Succeeded) ? DatasetStatus.Ready : DatasetStatus.Tokenizing;
}

/// <summary>One (data set, tokenizer) job and, once it succeeded, what it produced. Errors name the field they concern.</summary>
public sealed record TokenizationView(
    string Tokenizer,
    TokenizationStatus Status,
    double Progress,
    int Attempt,
    string? Worker,
    long? Tokens,
    long? TrainTokens,
    long? ValidationTokens,
    long? ValidationBytes,
    long? SkippedLines,
    string? ShardPrefix,
    string? ErrorField,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>Tokens per byte of validation text: what turns a loss in nats per token into bits per byte.</summary>
    public double? TokensPerByte => ValidationBytes is > 0 && ValidationTokens is { } t ? (double)t / ValidationBytes : null;
}
