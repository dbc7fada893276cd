namespace ScaleLab.Workers.Corpus;

/// <summary>
/// A tokenized corpus with a fixed split: the last <see cref="ValidationFraction"/> of the tokens is validation,
/// never trained on.
/// </summary>
public sealed class TokenCorpus
{
    public const double ValidationFraction = 0.05;

    /// <param name="validationBytes">Bytes of text the validation split's tokens decode to (null: one byte per token).</param>
    public TokenCorpus(string name, int[] tokens, int vocabSize, long? validationBytes = null)
    {
        if (tokens.Length < 4096) throw new ArgumentException("corpus is too small to split", nameof(tokens));
        (Name, VocabSize) = (name, vocabSize);
        var split = SplitAt(tokens.Length);
        Train = tokens[..split];
        Validation = tokens[split..];
        ValidationBytes = validationBytes ?? Validation.Length;
    }

    /// <summary>The first validation token of a corpus of this many tokens.</summary>
    public static int SplitAt(int tokens) => (int)(tokens * (1 - ValidationFraction));

    /// <summary>Bytes of text the validation split covers: bits per byte = loss / ln 2 · tokens / bytes.</summary>
    public long ValidationBytes { get; }

    public string Name { get; }

    public int VocabSize { get; }

    public int[] Train { get; }

    public int[] Validation { get; }

    /// <summary>Bytes as tokens: vocabulary 256.</summary>
    public static TokenCorpus FromBytes(string name, byte[] bytes) => new(name + "/bytes", Array.ConvertAll(bytes, b => (int)b), 256);
}
