using ScaleLab.Datasets;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// Writes tokens into llm.c shards of at most <see cref="TokensPerShard"/> tokens (uint16 where the vocabulary fits,
/// else uint32), each header rewritten with its count when the shard closes.
/// </summary>
public sealed class ShardWriter(string folder, int vocabSize) : IDisposable
{
    public const int TokensPerShard = 100_000_000;

    private readonly int _width = vocabSize <= 65_536 ? 2 : 4;
    private readonly List<string> _names = [];
    private FileStream? _shard;
    private BinaryWriter? _writer;
    private long _inShard;

    public long Tokens { get; private set; }

    public IReadOnlyList<string> Shards => _names;

    public void Write(int token)
    {
        if (_shard is null || _inShard == TokensPerShard) Open();
        if (_width == 2) _writer!.Write((ushort)token); else _writer!.Write((uint)token);
        _inShard++;
        Tokens++;
    }

    private void Open()
    {
        Close();
        var name = $"shard-{_names.Count:D5}.bin";
        _names.Add(name);
        _shard = new FileStream(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _writer = new BinaryWriter(_shard);
        _writer.Write(TokenShardHeader.Write(0, _width));
        _inShard = 0;
    }

    private void Close()
    {
        if (_shard is null) return;
        _writer!.Flush();
        _shard.Position = 0;
        _shard.Write(TokenShardHeader.Write(_inShard, _width));
        _shard.Flush(flushToDisk: true);
        _writer.Dispose();
        (_shard, _writer) = (null, null);
    }

    public void Dispose() => Close();
}
