using System.IO.MemoryMappedFiles;
using ScaleLab.Datasets;

namespace ScaleLab.Workers.Corpus;

/// <summary>
/// Token shards read memory-mapped, one after another as one sequence: the page cache holds what is hot, and no
/// array of the whole corpus is ever built. Each shard is an llm.c file (uint16 or uint32 tokens after the header).
/// </summary>
public sealed class MappedShards : ITokenSequence, IDisposable
{
    private readonly List<(MemoryMappedFile File, MemoryMappedViewAccessor View, long First, long Count, int Width)> _shards = [];

    public MappedShards(IEnumerable<string> paths)
    {
        long first = 0;
        try
        {
            Map(paths, ref first);
        }
        catch
        {
            Dispose();
            throw;
        }
        Length = first;
    }

    private void Map(IEnumerable<string> paths, ref long first)
    {
        foreach (var path in paths)
        {
            var length = new FileInfo(path).Length;
            var header = new byte[TokenShardHeader.Bytes];
            using (var stream = File.OpenRead(path)) stream.ReadExactly(header, 0, (int)Math.Min(header.Length, length));
            var (width, count, error) = TokenShardHeader.Parse(header, length);
            if (error is not null) throw new InvalidDataException($"{path} {error}");
            if (count == 0) continue;
            var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = file.CreateViewAccessor(TokenShardHeader.Bytes, count * width, MemoryMappedFileAccess.Read);
            _shards.Add((file, view, first, count, width));
            first += count;
        }
    }

    public long Length { get; }

    public void Read(long start, Span<int> destination)
    {
        if (start < 0 || start + destination.Length > Length) throw new ArgumentOutOfRangeException(nameof(start));
        var done = 0;
        var index = Locate(start);
        while (done < destination.Length)
        {
            var (_, view, first, count, width) = _shards[index];
            var offset = start + done - first;
            var take = (int)Math.Min(destination.Length - done, count - offset);
            var into = destination.Slice(done, take);
            if (width == 4) ReadUInt32(view, offset, into);
            else ReadUInt16(view, offset, into);
            done += take;
            index++;
        }
    }

    private static void ReadUInt16(MemoryMappedViewAccessor view, long offset, Span<int> into)
    {
        var raw = System.Buffers.ArrayPool<ushort>.Shared.Rent(into.Length);
        view.ReadArray(offset * 2, raw, 0, into.Length);
        for (var i = 0; i < into.Length; i++) into[i] = raw[i];
        System.Buffers.ArrayPool<ushort>.Shared.Return(raw);
    }

    private static void ReadUInt32(MemoryMappedViewAccessor view, long offset, Span<int> into)
    {
        var raw = System.Buffers.ArrayPool<uint>.Shared.Rent(into.Length);
        view.ReadArray(offset * 4, raw, 0, into.Length);
        for (var i = 0; i < into.Length; i++) into[i] = checked((int)raw[i]);
        System.Buffers.ArrayPool<uint>.Shared.Return(raw);
    }

    /// <summary>The shard holding token <paramref name="position"/> (binary search over first tokens).</summary>
    private int Locate(long position)
    {
        int lo = 0, hi = _shards.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_shards[mid].First <= position) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    public void Dispose()
    {
        foreach (var (file, view, _, _, _) in _shards)
        {
            view.Dispose();
            file.Dispose();
        }
    }
}
