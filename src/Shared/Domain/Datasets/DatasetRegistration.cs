namespace ScaleLab.Datasets;

/// <summary>
/// Body of POST /api/datasets: a named data set and the tokenizers to tokenize it with. Runs then name it
/// (<c>"dataset": {"name": ..., "tokenizer": ...}</c>) and train on the shards in the artifact store, so the workers
/// that train need no copy of the source files.
/// </summary>
public sealed record DatasetRegistration
{
    /// <summary>How runs and people refer to it: lowercase letters, digits, '.', '_' and '-'.</summary>
    public string Name { get; init; } = "";

    public string Source { get; init; } = "";
    public string Format { get; init; } = DatasetFormats.Text;
    public string TextField { get; init; } = "text";

    /// <summary>One tokenized copy (a tokenization job) per tokenizer; more can be added by registering again.</summary>
    public IReadOnlyList<string> Tokenizers { get; init; } = [DatasetTokenizers.Gpt2];

    public double ValidationFraction { get; init; } = 0.01;
    public int TokenBytes { get; init; } = 2;

    /// <summary>What a worker builds for one of the tokenizers.</summary>
    public DatasetSpec SpecFor(string tokenizer) => new()
    {
        Source = Source, Format = Format, TextField = TextField, Tokenizer = tokenizer, ValidationFraction = ValidationFraction, TokenBytes = TokenBytes,
    };

    /// <summary>Whether two registrations describe the same data (the tokenizers aside).</summary>
    public bool SameDataAs(DatasetRegistration other) =>
        Source == other.Source && Format == other.Format && (Format != DatasetFormats.Jsonl || TextField == other.TextField)
        && ValidationFraction.Equals(other.ValidationFraction) && (Format != DatasetFormats.Bin || TokenBytes == other.TokenBytes);
}
