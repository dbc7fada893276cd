using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ScaleLab.Datasets;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// Tokenizes a data set once per (content hash, tokenizer) into llm.c shards in a cache folder, and reuses them.
/// The shards are written through <see cref="AtomicFolder"/>: a worker killed mid-way leaves no half-written data set
/// visible, and the next build cleans up and starts over.
/// </summary>
public static class DatasetBuilder
{
    /// <summary>The data set's folder, tokenized now if no worker on this disk has done it yet.</summary>
    public static (string Folder, DatasetManifest Manifest) Ensure(DatasetSpec spec, string cacheRoot, IProgress<double>? progress = null)
    {
        var files = DatasetDocuments.Files(spec);
        var hash = ContentHash(spec, files);
        var tokenizer = DatasetTokenizers.Canonical(spec.Tokenizer);
        // The split is part of what is built, so it is part of the key: two fractions are two data sets.
        var held = spec.ValidationFraction.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
        var folder = Path.Combine(cacheRoot, "datasets", $"{hash[..16]}-{tokenizer}-val{held}-v{DatasetManifest.CurrentFormat}");
        AtomicFolder.Ensure(folder, staging =>
            (spec.Format == DatasetFormats.Bin ? CopyShards(spec, files, hash, staging, progress) : Tokenize(spec, files, hash, staging, progress))
                .Write(staging));
        return (folder, DatasetManifest.Read(folder));
    }

    /// <summary>SHA-256 over what decides the tokens: format, text field, each file's path below the source and its bytes.</summary>
    public static string ContentHash(DatasetSpec spec, IReadOnlyList<FileInfo> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var root = File.Exists(spec.Source) ? Path.GetDirectoryName(Path.GetFullPath(spec.Source))! : Path.GetFullPath(spec.Source);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{spec.Format}\n{(spec.Format == DatasetFormats.Jsonl ? spec.TextField : "")}\n{(spec.Format == DatasetFormats.Bin ? spec.TokenBytes : 0)}\n"));
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{Path.GetRelativePath(root, file.FullName)}\n{file.Length}\n"));
            using var stream = file.OpenRead();
            int read;
            while ((read = stream.Read(buffer)) > 0) sha.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static DatasetManifest Tokenize(DatasetSpec spec, IReadOnlyList<FileInfo> files, string hash, string staging, IProgress<double>? progress)
    {
        var tokenizer = TextTokenizer.For(spec.Tokenizer);
        var (skipped, lines) = (new StrongBox<long>(0), new StrongBox<long>(0));
        var totalBytes = files.Sum(f => f.Length);
        long documents = 0, bytes = 0;
        // Per document: where its tokens end and how many bytes it had, to count the validation split's bytes.
        var ends = new List<(long Tokens, long Bytes)>();
        using (var writer = new ShardWriter(staging, tokenizer.VocabSize))
        {
            foreach (var (text, size) in DatasetDocuments.Read(spec, files, skipped, lines))
            {
                if (documents > 0 && tokenizer.EndOfText is { } eot) writer.Write(eot);
                foreach (var id in tokenizer.Encode(text)) writer.Write(id);
                documents++;
                bytes += size;
                ends.Add((writer.Tokens, size));
                progress?.Report(Math.Min(1, (double)bytes / totalBytes));
            }
            if (skipped.Value > DatasetDocuments.MaxSkippedShare * Math.Max(1, lines.Value))
                throw new DatasetException("dataset.textField", $"{skipped.Value:N0} of {lines.Value:N0} lines have no string field '{spec.TextField}' (at most {DatasetDocuments.MaxSkippedShare:P0} may)");
            if (writer.Tokens == 0) throw new DatasetException("dataset.source", "holds no text");
            var split = SplitAt(writer.Tokens, spec.ValidationFraction);
            return new DatasetManifest(DatasetManifest.CurrentFormat, spec.Source, spec.Format, tokenizer.Name, tokenizer.VocabSize, hash,
                files.Count, documents, bytes, writer.Tokens, split, ValidationBytes(ends, split), skipped.Value, [.. CloseAndList(writer)]);
        }
    }

    /// <summary>Bytes of the documents after the split; the document it cuts counts in proportion to its tokens there.</summary>
    private static long ValidationBytes(List<(long Tokens, long Bytes)> ends, long split)
    {
        double total = 0;
        long start = 0;
        foreach (var (end, bytes) in ends)
        {
            if (end > split) total += bytes * (double)(end - Math.Max(start, split)) / Math.Max(1, end - start);
            start = end;
        }
        return (long)Math.Round(total);
    }

    private static DatasetManifest CopyShards(DatasetSpec spec, IReadOnlyList<FileInfo> files, string hash, string staging, IProgress<double>? progress)
    {
        var tokenizer = TextTokenizer.For(spec.Tokenizer);
        var totalBytes = files.Sum(f => f.Length);
        long done = 0;
        using var writer = new ShardWriter(staging, tokenizer.VocabSize);
        foreach (var file in files)
        {
            using var stream = new BufferedStream(file.OpenRead(), 1 << 20);
            var head = new byte[TokenShardHeader.Bytes];
            var headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            int width;
            long count;
            if (TokenShardHeader.HasMagic(head))
            {
                (width, count, var error) = TokenShardHeader.Parse(head.AsSpan(0, headLength), file.Length);
                if (error is not null) throw new DatasetException("dataset.source", $"'{file.FullName}' {error}");
            }
            else
            {
                // nanoGPT's raw shards: no header, tokens from the first byte.
                width = spec.TokenBytes;
                if (file.Length % width != 0)
                    throw new DatasetException("dataset.source", $"'{file.FullName}' is {file.Length:N0} bytes, not a whole number of {width}-byte tokens");
                count = file.Length / width;
                stream.Position = 0;
            }
            var token = new byte[width];
            for (long i = 0; i < count; i++)
            {
                stream.ReadExactly(token);
                var id = width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(token) : (long)BinaryPrimitives.ReadUInt32LittleEndian(token);
                if (id >= tokenizer.VocabSize)
                    throw new DatasetException("dataset.source", $"'{file.FullName}' token {i:N0} is id {id}, outside {tokenizer.Name}'s vocabulary of {tokenizer.VocabSize:N0}");
                writer.Write((int)id);
            }
            done += file.Length;
            progress?.Report((double)done / totalBytes);
        }
        if (writer.Tokens == 0) throw new DatasetException("dataset.source", "holds no tokens");
        var split = SplitAt(writer.Tokens, spec.ValidationFraction);
        var shards = CloseAndList(writer);
        var validationBytes = ValidationBytesOfShards(staging, shards, split, tokenizer);
        return new DatasetManifest(DatasetManifest.CurrentFormat, spec.Source, spec.Format, tokenizer.Name, tokenizer.VocabSize, hash,
            files.Count, files.Count, files.Sum(f => f.Length), writer.Tokens, split, validationBytes, 0, [.. shards]);
    }

    /// <summary>Pre-tokenized data has no text: the validation split's bytes are what its tokens decode to.</summary>
    private static long ValidationBytesOfShards(string staging, IReadOnlyList<string> shards, long split, TextTokenizer tokenizer)
    {
        using var all = new Corpus.MappedShards(shards.Select(s => Path.Combine(staging, s)));
        const int chunk = 1 << 20;
        long bytes = 0;
        var buffer = new int[chunk];
        for (var at = split; at < all.Length; at += chunk)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(chunk, all.Length - at));
            all.Read(at, span);
            bytes += tokenizer.DecodedBytes(span.ToArray().Where(id => id != tokenizer.EndOfText));   // a separator is no text
        }
        return bytes;
    }

    private static IReadOnlyList<string> CloseAndList(ShardWriter writer)
    {
        writer.Dispose();
        return writer.Shards;
    }

    /// <summary>The first validation token: the last share of the tokens is held out, at least one window's worth.</summary>
    public static long SplitAt(long tokens, double validationFraction) => tokens - Math.Max(1, (long)Math.Round(tokens * validationFraction));
}
