using System.Buffers.Binary;

namespace ScaleLab.Datasets;

/// <summary>
/// The header of llm.c's token shards: 256 little-endian int32, [0] a magic number, [1] a version, [2] the token
/// count, then the tokens. GPT-2 shards (magic 20240520, version 1) hold uint16 tokens; Llama-3 shards (20240801,
/// version 7) hold uint32, for vocabularies above 65,535. ScaleLab writes its own shards in this format, so they can
/// be read by llm.c too. nanoGPT's shards have no header: raw uint16.
/// </summary>
public static class TokenShardHeader
{
    public const int Bytes = 256 * sizeof(int);
    public const int Gpt2Magic = 20240520, Gpt2Version = 1;
    public const int Llama3Magic = 20240801, Llama3Version = 7;

    /// <summary>Whether these first bytes start an llm.c shard (either magic).</summary>
    public static bool HasMagic(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(head) is Gpt2Magic or Llama3Magic;

    /// <summary>Token width and count from a header, or the reason it is not a valid one for a file of this length.</summary>
    public static (int TokenBytes, long Tokens, string? Error) Parse(ReadOnlySpan<byte> header, long fileLength)
    {
        if (header.Length < Bytes || fileLength < Bytes) return (0, 0, $"is shorter than llm.c's {Bytes}-byte header");
        var magic = BinaryPrimitives.ReadInt32LittleEndian(header);
        var version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var width = (magic, version) switch
        {
            (Gpt2Magic, Gpt2Version) => 2,
            (Llama3Magic, Llama3Version) => 4,
            _ => 0,
        };
        if (width == 0) return (0, 0, $"has header magic {magic} version {version}; llm.c's are {Gpt2Magic} v{Gpt2Version} (uint16) and {Llama3Magic} v{Llama3Version} (uint32)");
        if (count < 0 || Bytes + (long)count * width != fileLength)
            return (0, 0, $"declares {count} tokens of {width} bytes, but holds {fileLength - Bytes} bytes after the header");
        return (width, count, null);
    }

    /// <summary>A header for <paramref name="tokens"/> tokens of <paramref name="tokenBytes"/> bytes.</summary>
    public static byte[] Write(long tokens, int tokenBytes)
    {
        if (tokens > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(tokens), "llm.c shards count tokens in an int32");
        var header = new byte[Bytes];
        var (magic, version) = tokenBytes == 2 ? (Gpt2Magic, Gpt2Version) : (Llama3Magic, Llama3Version);
        BinaryPrimitives.WriteInt32LittleEndian(header, magic);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), (int)tokens);
        return header;
    }
}
