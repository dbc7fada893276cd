using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace ScaleLab.Workers.Corpus;

/// <summary>
/// Plain English text from the GNU Collaborative International Dictionary of English (Debian package dict-gcide):
/// the dictionary's markup is stripped, leaving definitions and quotations as ASCII prose. The cleaned text is
/// cached on disk (written atomically) and in memory, so every run of a worker reuses one tokenized copy.
/// </summary>
public static partial class GcideCorpus
{
    public const string DefaultSource = "/usr/share/dictd/gcide.dict.dz";
    private const int CacheFormat = 1;

    private static readonly Lock Gate = new();
    private static (int MaxBytes, byte[] Text)? _loaded;

    [GeneratedRegex("<[^>]{0,200}>")]
    private static partial Regex Markup();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{2,}")]
    private static partial Regex BlankLines();

    /// <summary>The cleaned text, at most <paramref name="maxBytes"/> bytes of ASCII.</summary>
    public static byte[] Load(string source, string cacheDirectory, int maxBytes)
    {
        lock (Gate)
        {
            if (_loaded is { } loaded && loaded.MaxBytes == maxBytes) return loaded.Text;
            var cache = Path.Combine(cacheDirectory, $"gcide-v{CacheFormat}-{maxBytes}.bytes");
            byte[] bytes;
            if (File.Exists(cache))
            {
                bytes = File.ReadAllBytes(cache);
            }
            else
            {
                if (!File.Exists(source))
                    throw new FileNotFoundException(
                        $"The English corpus {source} is missing; install it with 'apt-get install dict-gcide' (./run.sh and ./test.sh do).", source);
                bytes = Clean(source, maxBytes);
                Directory.CreateDirectory(cacheDirectory);
                var temp = cache + "." + Environment.ProcessId + ".tmp";
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, cache, overwrite: true);
            }
            _loaded = (maxBytes, bytes);
            return bytes;
        }
    }

    internal static byte[] Clean(string source, int maxBytes)
    {
        using var file = File.OpenRead(source);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var output = new MemoryStream(Math.Min(maxBytes, 64 << 20));
        var line = new StringBuilder();
        var chunk = new char[1 << 16];
        int read;
        // dictzip is gzip-compatible, so the whole file streams through GZipStream; we clean chunk by chunk.
        var pending = "";
        while (output.Length < maxBytes && (read = reader.Read(chunk, 0, chunk.Length)) > 0)
        {
            var text = pending + new string(chunk, 0, read);
            var cut = text.LastIndexOf('\n');
            if (cut < 0) { pending = text; continue; }
            pending = text[(cut + 1)..];
            var cleaned = BlankLines().Replace(Spaces().Replace(Markup().Replace(text[..cut], " "), " "), "\n");
            foreach (var ch in cleaned)
            {
                if (output.Length >= maxBytes) break;
                if (ch == '\n' || (ch >= ' ' && ch < 127)) output.WriteByte((byte)ch);
            }
        }
        return output.ToArray();
    }
}
