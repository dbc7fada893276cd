using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScaleLab.Workers.Corpus.Debian;

/// <summary>
/// The default corpus, assembled offline from English text in Debian packages (<see cref="DebianSources"/>): markup
/// removed, prose kept, exact duplicate paragraphs dropped. Each source file becomes one document (the dictionary,
/// one file, is cut into 1 MiB documents at entry boundaries), named by a hash of where it came from, so ordinal
/// order interleaves the sources and the held-out tail is a mix of them. Built once per machine through
/// <see cref="Datasets.AtomicFolder"/>; <c>sources.json</c> beside the documents says what each source gave, and
/// <c>documents.tsv</c> where each document came from.
/// </summary>
public static class DebianCorpus
{
    public const int Version = 1;
    private const int DictionaryChunk = 1 << 20;

    public sealed record SourceStats(string Name, string Package, int Files, long Bytes, long Documents, long Paragraphs, long Dropped, long Duplicates);

    /// <summary>The assembled corpus's folder; <paramref name="maxBytes"/> keeps only the first documents (in name order) up to that size.</summary>
    public static string Ensure(string cacheRoot, long? maxBytes = null)
    {
        var full = Path.Combine(cacheRoot, $"debian-corpus-v{Version}");
        Datasets.AtomicFolder.Ensure(full, Assemble);
        if (maxBytes is not { } cap) return full;
        var capped = $"{full}-first{cap}";
        Datasets.AtomicFolder.Ensure(capped, staging => Prefix(full, staging, cap));
        return capped;
    }

    private static void Assemble(string staging)
    {
        var missing = DebianSources.All.Where(s => !Directory.Exists(s.Root) || !Directory.EnumerateFiles(s.Root, s.Pattern, SearchOption.AllDirectories).Any()).ToList();
        if (missing.Count > 0)
            throw new FileNotFoundException($"The default corpus needs the Debian packages {string.Join(", ", missing.Select(s => s.Package))}; " +
                "install them with infra/local/prerequisites.sh (./run.sh and ./test.sh do).");
        var filter = new ProseFilter();
        var stats = new List<SourceStats>();
        var provenance = new StringBuilder("document\tsource\tfile\tpart\n");
        foreach (var source in DebianSources.All)
        {
            var (kept, dropped, duplicates) = (filter.Kept, filter.Dropped, filter.Duplicates);
            var files = Directory.EnumerateFiles(source.Root, source.Pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            long bytes = 0, documents = 0;
            foreach (var file in files)
            {
                foreach (var (part, text) in Documents(source, file))
                {
                    var document = source.Prose ? filter.Filter(source.Clean(text)) : text;
                    if (document.Length == 0) continue;
                    var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source.Name}/{Path.GetRelativePath(source.Root, file)}#{part}")))[..20];
                    File.WriteAllText(Path.Combine(staging, name + ".txt"), document, new UTF8Encoding(false));
                    provenance.Append($"{name}.txt\t{source.Name}\t{file}\t{part}\n");
                    bytes += Encoding.UTF8.GetByteCount(document);
                    documents++;
                }
            }
            stats.Add(new SourceStats(source.Name, source.Package, files.Count, bytes, documents,
                source.Prose ? filter.Kept - kept : 0, filter.Dropped - dropped, filter.Duplicates - duplicates));
        }
        File.WriteAllText(Path.Combine(staging, "documents.tsv"), provenance.ToString());
        File.WriteAllText(Path.Combine(staging, "sources.json"), JsonSerializer.Serialize(stats, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
    }

    /// <summary>A source file's text, in parts: the dictionary's cleaned entries in 1 MiB parts, any other file whole.</summary>
    private static IEnumerable<(int Part, string Text)> Documents(DebianSource source, string file)
    {
        if (file.EndsWith(".dz", StringComparison.Ordinal))
        {
            var text = Encoding.ASCII.GetString(GcideCorpus.Clean(file, int.MaxValue));
            var (start, part) = (0, 0);
            while (start < text.Length)
            {
                var end = Math.Min(text.Length, start + DictionaryChunk);
                if (end < text.Length && text.IndexOf('\n', end) is var newline and >= 0) end = newline + 1;
                else end = text.Length;
                yield return (part++, text[start..end]);
                start = end;
            }
            yield break;
        }
        yield return (0, File.ReadAllText(file, Encoding.UTF8));
    }

    /// <summary>The first documents of the full corpus, in name order, up to <paramref name="cap"/> bytes.</summary>
    private static void Prefix(string full, string staging, long cap)
    {
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(full, "*.txt").Order(StringComparer.Ordinal))
        {
            if (total >= cap) break;
            File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            total += new FileInfo(file).Length;
        }
    }
}
