namespace ScaleLab.Workers.Corpus;

/// <summary>
/// A byte-level text corpus with a fixed split: the last <see cref="ValidationFraction"/> of the bytes is
/// validation, never trained on. Tokens are bytes, so the vocabulary is 256.
/// </summary>
public sealed class ByteCorpus
{
    public const double ValidationFraction = 0.05;

    public ByteCorpus(string name, byte[] bytes)
    {
        if (bytes.Length < 4096) throw new ArgumentException("corpus is too small to split", nameof(bytes));
        Name = name;
        var split = (int)(bytes.Length * (1 - ValidationFraction));
        Train = bytes.AsMemory(0, split);
        Validation = bytes.AsMemory(split);
    }

    public string Name { get; }

    public ReadOnlyMemory<byte> Train { get; }

    public ReadOnlyMemory<byte> Validation { get; }
}
