namespace ScaleLab.Workers.Corpus;

/// <summary>Tokens [start, start + length) of another sequence: a split of a data set's shards.</summary>
public sealed class TokenSlice(ITokenSequence inner, long start, long length) : ITokenSequence
{
    public long Length => length;

    public void Read(long position, Span<int> destination)
    {
        if (position < 0 || position + destination.Length > length) throw new ArgumentOutOfRangeException(nameof(position));
        inner.Read(start + position, destination);
    }
}
