namespace ScaleLab.Workers.Corpus;

/// <summary>A split's tokens, read by position: an array in memory, or shards mapped from disk.</summary>
public interface ITokenSequence
{
    long Length { get; }

    /// <summary>Copies tokens [start, start + destination.Length).</summary>
    void Read(long start, Span<int> destination);
}

/// <summary>Tokens held in memory (the built-in corpus, tests).</summary>
public sealed class ArrayTokens(int[] tokens) : ITokenSequence
{
    public long Length => tokens.Length;

    public void Read(long start, Span<int> destination) => tokens.AsSpan((int)start, destination.Length).CopyTo(destination);
}

public static class TokenSequences
{
    /// <summary>Every token, in one array: for tests and small splits only.</summary>
    public static int[] ReadAll(this ITokenSequence tokens)
    {
        var all = new int[tokens.Length];
        tokens.Read(0, all);
        return all;
    }
}
