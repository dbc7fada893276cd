using System.Runtime.InteropServices;
using Microsoft.ML.Tokenizers;

namespace ScaleLab.Workers.Corpus;

/// <summary>
/// The corpus in BPE tokens: cl100k_base (tiktoken's GPT-4 vocabulary, through Microsoft.ML.Tokenizers), compacted
/// to a vocabulary of V: the V − 1 tokens most frequent in the training split keep ids 0.. in order of frequency and
/// every other token becomes id V − 1 (unknown). With ~100k merges learned on far more text, the tokenizer is better
/// than anything trainable on this corpus, and compaction keeps small models' embeddings small. The ids are cached
/// on disk beside the cleaned text.
/// </summary>
public static class BpeCorpus
{
    private const int CacheFormat = 1;

    public static TokenCorpus Load(byte[] text, string cacheDirectory, int vocabSize)
    {
        var cache = Path.Combine(cacheDirectory, $"gcide-cl100k-v{CacheFormat}-{text.Length}-{vocabSize}.ids");
        var trainBytesFile = cache + ".train-bytes";
        int[] ids;
        long trainBytes;
        if (File.Exists(cache) && File.Exists(trainBytesFile))
        {
            ids = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(cache)).ToArray();
            trainBytes = long.Parse(File.ReadAllText(trainBytesFile), System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            var original = Encode(text);
            // The text is ASCII: the training split's tokens decode to exactly this many bytes, the rest is validation.
            trainBytes = Tokenizer.Decode(original[..TokenCorpus.SplitAt(original.Length)]).Length;
            ids = Compact(original, vocabSize);
            Directory.CreateDirectory(cacheDirectory);
            WriteAtomically(cache, MemoryMarshal.AsBytes(ids.AsSpan()).ToArray());
            WriteAtomically(trainBytesFile, System.Text.Encoding.ASCII.GetBytes(trainBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return new TokenCorpus($"gcide/cl100k-{vocabSize}", ids, vocabSize, text.Length - trainBytes);
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static TiktokenTokenizer Tokenizer => TiktokenTokenizer.CreateForEncoding("cl100k_base");

    internal static int[] Encode(byte[] text)
    {
        var tokenizer = Tokenizer;
        // Paragraph by paragraph: the text is ASCII, and a paragraph boundary is never inside a BPE token.
        var ids = new List<int>(text.Length / 3);
        foreach (var paragraph in System.Text.Encoding.ASCII.GetString(text).Split("\n\n"))
        {
            if (ids.Count > 0) ids.AddRange(tokenizer.EncodeToIds("\n\n"));
            ids.AddRange(tokenizer.EncodeToIds(paragraph));
        }
        return [.. ids];
    }

    /// <summary>Renumbers by frequency in the training split (ties by original id); the tail maps to V − 1.</summary>
    internal static int[] Compact(int[] ids, int vocabSize)
    {
        var trainLength = TokenCorpus.SplitAt(ids.Length);
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < trainLength; i++) counts[ids[i]] = counts.GetValueOrDefault(ids[i]) + 1;
        var kept = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(vocabSize - 1)
            .Select((kv, rank) => (kv.Key, rank)).ToDictionary(p => p.Key, p => p.rank);
        return Array.ConvertAll(ids, id => kept.TryGetValue(id, out var compact) ? compact : vocabSize - 1);
    }
}
