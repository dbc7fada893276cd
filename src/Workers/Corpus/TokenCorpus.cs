namespace ScaleLab.Workers.Corpus;

/// <summary>
/// A tokenized corpus with a fixed split: training tokens and held-out validation tokens, never trained on, and
/// where it came from (recorded with every run that trains on it).
/// </summary>
public sealed class TokenCorpus
{
    /// <summary>Share of the built-in corpus held out: its last tokens.</summary>
    public const double ValidationFraction = 0.05;

    /// <param name="validationBytes">Bytes of text the validation split's tokens decode to (null: one byte per token).</param>
    public TokenCorpus(string name, ITokenSequence train, ITokenSequence validation, int vocabSize, long? validationBytes = null, string? contentHash = null)
    {
        (Name, Train, Validation, VocabSize, ContentHash) = (name, train, validation, vocabSize, contentHash);
        ValidationBytes = validationBytes ?? validation.Length;
    }

    /// <summary>An in-memory corpus split at <see cref="ValidationFraction"/>.</summary>
    public TokenCorpus(string name, int[] tokens, int vocabSize, long? validationBytes = null)
        : this(name, new ArrayTokens(tokens[..SplitAt(tokens.Length)]), new ArrayTokens(tokens[SplitAt(tokens.Length)..]), vocabSize, validationBytes)
    {
        if (tokens.Length < 4096) throw new ArgumentException("corpus is too small to split", nameof(tokens));
    }

    /// <summary>The first validation token of a corpus of this many tokens.</summary>
    public static int SplitAt(int tokens) => (int)(tokens * (1 - ValidationFraction));

    /// <summary>Bytes of text the validation split covers: bits per byte = loss / ln 2 · tokens / bytes.</summary>
    public long ValidationBytes { get; }

    /// <summary>"gcide/bytes", or a data set's "source (tokenizer)".</summary>
    public string Name { get; }

    /// <summary>SHA-256 of a data set's files (null for the built-in corpus, whose text is fixed by its package).</summary>
    public string? ContentHash { get; }

    public int VocabSize { get; }

    public ITokenSequence Train { get; }

    public ITokenSequence Validation { get; }

    /// <summary>Bytes as tokens: vocabulary 256.</summary>
    public static TokenCorpus FromBytes(string name, byte[] bytes) => new(name + "/bytes", Array.ConvertAll(bytes, b => (int)b), 256);
}
