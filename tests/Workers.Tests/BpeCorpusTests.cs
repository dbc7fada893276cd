using ScaleLab.Workers.Corpus;

namespace ScaleLab.Workers.Tests;

public class BpeCorpusTests
{
    [Fact]
    public void Compaction_numbers_tokens_by_training_frequency_and_folds_the_tail_into_unknown()
    {
        // 100 ids; the validation split is the last 5 (id 9 appears only there).
        var ids = Enumerable.Repeat(7, 50).Concat(Enumerable.Repeat(3, 30)).Concat(Enumerable.Repeat(5, 10)).Concat(Enumerable.Repeat(2, 5))
            .Concat(Enumerable.Repeat(9, 5)).ToArray();

        var compact = BpeCorpus.Compact(ids, vocabSize: 3);

        Assert.All(compact[..50], id => Assert.Equal(0, id));   // most frequent
        Assert.All(compact[50..80], id => Assert.Equal(1, id));
        Assert.All(compact[80..], id => Assert.Equal(2, id));   // 5, 2 and the unseen 9: unknown (V − 1)
    }

    [Fact]
    public void English_text_becomes_cl100k_tokens_within_the_vocabulary_and_is_cached()
    {
        var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(
            "The quick brown fox jumps over the lazy dog.\n\nA dictionary defines words; a corpus shows them in use.\n\n", 200)));
        var cache = Path.Combine(Path.GetTempPath(), "scalelab-bpe-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var corpus = BpeCorpus.Load(text, cache, vocabSize: 512);

            Assert.Equal(512, corpus.VocabSize);
            Assert.InRange(corpus.Train.Length + corpus.Validation.Length, text.Length / 6, text.Length / 3); // ~4 characters a token
            Assert.All(corpus.Train.ReadAll(), id => Assert.InRange(id, 0, 511));
            Assert.Single(Directory.GetFiles(cache, "*.ids"));
            var cached = BpeCorpus.Load(text, cache, vocabSize: 512);
            Assert.Equal(corpus.Train.ReadAll(), cached.Train.ReadAll());  // read back from the cache
            // Bits per byte need the bytes the validation tokens stand for: exactly the text after the training split.
            var tokenizer = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("cl100k_base");
            var original = BpeCorpus.Encode(text);
            var validationText = tokenizer.Decode(original[TokenCorpus.SplitAt(original.Length)..]);
            Assert.Equal(validationText.Length, corpus.ValidationBytes);
            Assert.Equal(corpus.ValidationBytes, cached.ValidationBytes);
            Assert.InRange((double)corpus.ValidationBytes / corpus.Validation.Length, 3, 6);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
