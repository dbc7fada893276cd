using Microsoft.ML.Tokenizers;
using ScaleLab.Datasets;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// A data set's tokenizer, used exactly: UTF-8 bytes, or one of tiktoken's vocabularies through
/// Microsoft.ML.Tokenizers (gpt2/r50k_base, cl100k_base, o200k_base). Documents are encoded whole (never split, which
/// would change BPE's output at the cut) and separated by the vocabulary's end-of-text token.
/// </summary>
public sealed class TextTokenizer
{
    private readonly Tokenizer? _bpe;

    private TextTokenizer(string name, Tokenizer? bpe, int? endOfText)
    {
        (Name, _bpe, EndOfText) = (name, bpe, endOfText);
        VocabSize = DatasetTokenizers.VocabSize(name);
    }

    public string Name { get; }

    public int VocabSize { get; }

    /// <summary>The id written between documents (null for bytes, which has none).</summary>
    public int? EndOfText { get; }

    public static TextTokenizer For(string name)
    {
        var canonical = DatasetTokenizers.Canonical(name);
        if (canonical == DatasetTokenizers.Bytes) return new TextTokenizer(canonical, null, null);
        var tiktoken = TiktokenTokenizer.CreateForEncoding(canonical switch
        {
            DatasetTokenizers.Gpt2 => "r50k_base",
            DatasetTokenizers.Cl100k => "cl100k_base",
            DatasetTokenizers.O200k => "o200k_base",
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown tokenizer"),
        });
        return new TextTokenizer(canonical, tiktoken, tiktoken.SpecialTokens!["<|endoftext|>"]);
    }

    public IReadOnlyList<int> Encode(string document) =>
        _bpe is null ? Array.ConvertAll(System.Text.Encoding.UTF8.GetBytes(document), b => (int)b) : _bpe.EncodeToIds(document);

    /// <summary>UTF-8 bytes these tokens decode to (for bits per byte).</summary>
    public long DecodedBytes(IEnumerable<int> tokens) =>
        _bpe is null ? tokens.LongCount() : System.Text.Encoding.UTF8.GetByteCount(_bpe.Decode(tokens) ?? "");
}
