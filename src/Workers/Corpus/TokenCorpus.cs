namespace ScaleLab.Workers.Corpus;

/// <summary>
/// A tokenized corpus with a fixed split: the last <see cref="ValidationFraction"/> of the tokens is validation,
/// never trained on.
/// </summary>
public sealed class TokenCorpus
{
    public const double ValidationFraction = 0.05;

    public TokenCorpus(string name, int[] tokens, int vocabSize)
    {
        if (tokens.Length < 4096) throw new ArgumentException("corpus is too small to split", nameof(tokens));
        (Name, VocabSize) = (name, vocabSize);
        var split = (int)(tokens.Length * (1 - ValidationFraction));
        Train = tokens[..split];
        Validation = tokens[split..];
    }

    public string Name { get; }

    public int VocabSize { get; }

    public int[] Train { get; }

    public int[] Validation { get; }

    /// <summary>Bytes as tokens: vocabulary 256.</summary>
    public static TokenCorpus FromBytes(string name, byte[] bytes) => new(name + "/bytes", Array.ConvertAll(bytes, b => (int)b), 256);
}
