using System.Text.Json;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// What a tokenized data set holds, written last into its folder (the folder appears whole, by rename, or not at
/// all). Tokens [0, TrainTokens) of the shards, in order, are the training split; the rest is validation.
/// </summary>
public sealed record DatasetManifest(
    int FormatVersion,
    string Source,
    string Format,
    string Tokenizer,
    int VocabSize,
    string ContentHash,
    int Files,
    long Documents,
    long Bytes,
    long Tokens,
    long TrainTokens,
    long ValidationBytes,
    long SkippedLines,
    IReadOnlyList<string> Shards)
{
    public const int CurrentFormat = 1;

    public const string FileName = "manifest.json";

    public long ValidationTokens => Tokens - TrainTokens;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static DatasetManifest Read(string folder) =>
        JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(Path.Combine(folder, FileName)), Json)
        ?? throw new InvalidDataException($"{folder} has an empty {FileName}");

    public void Write(string folder) => File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));
}
