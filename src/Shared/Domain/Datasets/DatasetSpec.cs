namespace ScaleLab.Datasets;

/// <summary>
/// Where a language-modelling run's text comes from, and how it becomes tokens. Runs that name the same source and
/// tokenizer share one tokenized copy (keyed by the content's hash), built once and reused by every worker.
/// </summary>
public sealed record DatasetSpec
{
    /// <summary>
    /// A file or folder on the worker ("/data/corpus", every matching file below it, in ordinal order), or
    /// "blob://container/prefix" in the artifact store. Empty when <see cref="Name"/> names a registered data set.
    /// </summary>
    public string Source { get; init; } = "";

    /// <summary>"text" (.txt files, UTF-8), "jsonl" (one JSON object per line, text in <see cref="TextField"/>) or "bin" (token shards).</summary>
    public string Format { get; init; } = DatasetFormats.Text;

    /// <summary>For "jsonl": the field holding each document's text.</summary>
    public string TextField { get; init; } = "text";

    /// <summary>"bytes", "gpt2" (= "r50k"), "cl100k" or "o200k": tiktoken's vocabularies, used exactly. For "bin", the one that wrote the shards.</summary>
    public string Tokenizer { get; init; } = DatasetTokenizers.Gpt2;

    /// <summary>Share of the tokens held out for validation: the last documents, never trained on.</summary>
    public double ValidationFraction { get; init; } = 0.01;

    /// <summary>For "bin" files without llm.c's header (nanoGPT's raw shards): bytes per token, 2 or 4.</summary>
    public int TokenBytes { get; init; } = 2;

    /// <summary>
    /// A data set registered through POST /api/datasets; the run trains on its shards for <see cref="Tokenizer"/>
    /// from the artifact store, and the other fields are the registration's.
    /// </summary>
    public string? Name { get; init; }
}

/// <summary>The formats a data set's files can have.</summary>
public static class DatasetFormats
{
    public const string Text = "text";
    public const string Jsonl = "jsonl";
    public const string Bin = "bin";

    public static readonly IReadOnlyList<string> All = [Text, Jsonl, Bin];

    /// <summary>File names a format reads inside a folder.</summary>
    public static string Extension(string format) => format switch { Text => ".txt", Jsonl => ".jsonl", _ => ".bin" };
}
