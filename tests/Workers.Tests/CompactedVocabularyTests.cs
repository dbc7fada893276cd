using Microsoft.ML.Tokenizers;
using ScaleLab.Datasets;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Datasets;

namespace ScaleLab.Workers.Tests;

public class CompactedVocabularyTests
{
    [Fact]
    public void Compaction_numbers_tokens_by_training_frequency_and_folds_the_tail_into_unknown()
    {
        // 100 ids; the training split is the first 95 (id 9 appears only after it).
        int[] ids = [.. Enumerable.Repeat(7, 50), .. Enumerable.Repeat(3, 30), .. Enumerable.Repeat(5, 10), .. Enumerable.Repeat(2, 5), .. Enumerable.Repeat(9, 5)];
        var map = CompactedVocabulary.Mapping(new ArrayTokens(ids), trainTokens: 95, sourceVocab: 10, vocabSize: 3);
        Assert.Equal((0, 1), (map[7], map[3]));                                          // most frequent first
        Assert.All(new[] { 5, 2, 9, 0 }, id => Assert.Equal(2, map[id]));                // the rest, and the unseen: unknown (V − 1)
    }

    [Fact]
    public void A_compacted_data_set_keeps_every_position_and_is_built_once()
    {
        var root = Directory.CreateTempSubdirectory("scalelab-compact-").FullName;
        try
        {
            var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. A dictionary defines words; a corpus shows them in use.\n\n", 200));
            File.WriteAllText(Path.Combine(root, "a.txt"), text);
            var (folder, cl100k) = DatasetBuilder.Ensure(new DatasetSpec { Source = Path.Combine(root, "a.txt"), Tokenizer = "cl100k" }, Path.Combine(root, "cache"));
            var (compactFolder, compact) = CompactedVocabulary.Ensure(folder, cl100k, 16);
            var original = DatasetCorpus.Open(folder, cl100k).Train.ReadAll();
            var small = DatasetCorpus.Open(compactFolder, compact).Train.ReadAll();

            Assert.Equal((16, "cl100k-compact16", cl100k.Tokens), (compact.VocabSize, compact.Tokenizer, compact.Tokens));
            Assert.Equal(original.Length, small.Length);
            Assert.All(small, id => Assert.InRange(id, 0, 15));
            var commonest = original.GroupBy(t => t).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            Assert.All(original.Select((t, i) => (t, i)).Where(p => p.t == commonest), p => Assert.Equal(0, small[p.i]));
            Assert.Equal(TiktokenTokenizer.CreateForEncoding("cl100k_base").EncodeToIds(text).Count, (int)cl100k.Tokens);
            var written = File.GetLastWriteTimeUtc(Path.Combine(compactFolder, DatasetManifest.FileName));
            Assert.Equal(compactFolder, CompactedVocabulary.Ensure(folder, cl100k, 16).Folder);
            Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(compactFolder, DatasetManifest.FileName)));   // read, not rebuilt
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
