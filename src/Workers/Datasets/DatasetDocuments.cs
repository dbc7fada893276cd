using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ScaleLab.Datasets;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// The files a data set names and the documents in them: a .txt file is one document, a .jsonl line is one. Text
/// must be UTF-8: invalid bytes are refused, naming the file (replacing them would silently change the data).
/// </summary>
public static class DatasetDocuments
{
    /// <summary>Largest .txt file read as one document (BPE encodes a document whole).</summary>
    public const long MaxTextFileBytes = 256L << 20;

    /// <summary>Longest jsonl line read (a file with no line breaks must not exhaust the worker's memory).</summary>
    public const int MaxLineBytes = 64 << 20;

    /// <summary>Share of jsonl lines that may lack the text field before the data set is refused.</summary>
    public const double MaxSkippedShare = 0.01;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The data set's files in ordinal order of their path below the source.</summary>
    public static IReadOnlyList<FileInfo> Files(DatasetSpec spec)
    {
        var extension = DatasetFormats.Extension(spec.Format);
        List<FileInfo> files;
        if (File.Exists(spec.Source)) files = [new FileInfo(spec.Source)];
        else if (Directory.Exists(spec.Source))
            files = new DirectoryInfo(spec.Source).EnumerateFiles("*" + extension, SearchOption.AllDirectories)
                .OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
        else throw new DatasetException("dataset.source", $"'{spec.Source}' does not exist on this worker");
        if (files.Count == 0) throw new DatasetException("dataset.source", $"'{spec.Source}' holds no {extension} files");
        foreach (var f in files)
        {
            if (f.Length == 0) throw new DatasetException("dataset.source", $"'{f.FullName}' is empty");
            if (spec.Format == DatasetFormats.Text && f.Length > MaxTextFileBytes)
                throw new DatasetException("dataset.source", $"'{f.FullName}' is {f.Length:N0} bytes; a text file is one document of at most {MaxTextFileBytes:N0} (split it, or use jsonl)");
        }
        return files;
    }

    /// <summary>Documents in order, with the UTF-8 bytes of each; <paramref name="skipped"/> counts jsonl lines without the field.</summary>
    public static IEnumerable<(string Text, long Bytes)> Read(DatasetSpec spec, IReadOnlyList<FileInfo> files, StrongBox<long> skipped, StrongBox<long> lines)
    {
        foreach (var file in files)
        {
            if (spec.Format == DatasetFormats.Text)
            {
                yield return (Decode(File.ReadAllBytes(file.FullName), file.FullName, line: null), file.Length);
                continue;
            }
            var number = 0L;
            foreach (var raw in ReadLines(file))
            {
                number++;
                lines.Value++;
                if (raw.Length == 0) continue;
                var text = Field(Decode(raw, file.FullName, number), spec.TextField, file.FullName, number);
                if (text is null) { skipped.Value++; continue; }
                yield return (text, StrictUtf8.GetByteCount(text));
            }
        }
    }

    private static string Decode(byte[] bytes, string path, long? line)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DatasetException("dataset.source", $"'{path}'{(line is { } l ? $" line {l}" : "")} is not UTF-8 (invalid byte at offset {ex.Index})");
        }
    }

    private static string? Field(string line, string field, string path, long number)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                throw new DatasetException("dataset.source", $"'{path}' line {number} is not a JSON object");
            return json.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException ex)
        {
            throw new DatasetException("dataset.source", $"'{path}' line {number} is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Lines as raw bytes, so invalid UTF-8 is caught by the strict decoder rather than replaced by a reader.</summary>
    private static IEnumerable<byte[]> ReadLines(FileInfo file)
    {
        using var stream = new BufferedStream(file.OpenRead(), 1 << 20);
        var line = new MemoryStream();
        int b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b == '\n')
            {
                yield return TrimCr(line.ToArray());
                line.SetLength(0);
            }
            else if (line.Length >= MaxLineBytes)
                throw new DatasetException("dataset.source", $"'{file.FullName}' has a line longer than {MaxLineBytes:N0} bytes (is it jsonl?)");
            else line.WriteByte((byte)b);
        }
        if (line.Length > 0) yield return TrimCr(line.ToArray());
    }

    private static byte[] TrimCr(byte[] line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
}
