namespace ScaleLab.Datasets;

/// <summary>
/// The tokenizers a data set can use, and each one's vocabulary size: the model's embedding and head size, and the
/// bound every token id is checked against. The sizes count tiktoken's special tokens (ids above the merges).
/// </summary>
public static class DatasetTokenizers
{
    public const string Bytes = "bytes";
    public const string Gpt2 = "gpt2";
    public const string R50k = "r50k";
    public const string Cl100k = "cl100k";
    public const string O200k = "o200k";

    private static readonly Dictionary<string, int> Vocabularies = new(StringComparer.Ordinal)
    {
        [Bytes] = 256,
        [Gpt2] = 50_257,     // 50,256 merges and <|endoftext|>
        [R50k] = 50_257,
        [Cl100k] = 100_277,  // ids up to <|endofprompt|> = 100,276
        [O200k] = 200_019,   // ids up to <|endofprompt|> = 200,018
    };

    public static IReadOnlyCollection<string> All => Vocabularies.Keys;

    public static bool IsKnown(string? name) => name is not null && Vocabularies.ContainsKey(name);

    public static int VocabSize(string name) => Vocabularies[name];

    /// <summary>The name shards are keyed by: gpt2 and r50k are one vocabulary.</summary>
    public static string Canonical(string name) => name == R50k ? Gpt2 : name;
}
