using ScaleLab.Workers.Corpus.Debian;

namespace ScaleLab.Workers.Tests;

/// <summary>Alone: assembling 60 MB of text churns the heap, which other tests' training should not share.</summary>
[Collection(AloneCollection.Name)]
public class DebianCorpusTests
{
    [Fact]
    public void The_default_corpus_assembles_from_the_installed_packages_with_every_source_and_a_mixed_tail()
    {
        var cache = Directory.CreateTempSubdirectory("scalelab-debian-corpus-").FullName;
        try
        {
            var folder = DebianCorpus.Ensure(cache);
            var sources = System.Text.Json.JsonSerializer.Deserialize<List<DebianCorpus.SourceStats>>(
                File.ReadAllText(Path.Combine(folder, "sources.json")), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
            Assert.Equal(DebianSources.All.Select(s => s.Name), sources.Select(s => s.Name));
            Assert.All(sources, s => Assert.True(s.Bytes > 200_000, $"{s.Name} gave only {s.Bytes} bytes"));
            var documents = Directory.GetFiles(folder, "*.txt");
            Assert.True(documents.Sum(d => new FileInfo(d).Length) > 50_000_000, "the default corpus should be over 50 MB of text");
            Assert.DoesNotContain(documents, d => new FileInfo(d).Length == 0);

            // Documents are named by hash, so the held-out tail (the last 5% in name order) mixes the sources.
            var sourceOf = File.ReadLines(Path.Combine(folder, "documents.tsv")).Skip(1).Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[1]);
            var tail = documents.Select(Path.GetFileName).Order(StringComparer.Ordinal).TakeLast(documents.Length / 20).ToList();
            Assert.True(tail.Select(d => sourceOf[d!]).Distinct().Count() >= 4, "the validation tail should hold several sources");

            // Built once: a capped corpus is its first documents, and a second call reuses both.
            var capped = DebianCorpus.Ensure(cache, 1 << 20);
            var first = documents.Select(Path.GetFileName).Order(StringComparer.Ordinal).First();
            Assert.True(File.Exists(Path.Combine(capped, first!)));
            Assert.InRange(Directory.GetFiles(capped).Sum(f => new FileInfo(f).Length), 1 << 20, 3 << 20);
            Assert.Equal(folder, DebianCorpus.Ensure(cache));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
