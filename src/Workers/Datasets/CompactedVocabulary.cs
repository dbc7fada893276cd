using ScaleLab.Workers.Corpus;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// A tokenized data set renumbered to a small vocabulary of V: the V − 1 tokens most frequent in its training split
/// keep ids 0.. in order of frequency (ties by original id), every other token becomes V − 1 (unknown). With a
/// tokenizer trained on far more text than a small model sees, this keeps small models' embeddings small. Written
/// beside the source data set, atomically, once per (data set, V).
/// </summary>
public static class CompactedVocabulary
{
    private const int Chunk = 1 << 20;

    public static (string Folder, DatasetManifest Manifest) Ensure(string folder, DatasetManifest source, int vocabSize)
    {
        var target = $"{folder}-compact{vocabSize}";
        AtomicFolder.Ensure(target, staging =>
        {
            using var tokens = new MappedShards(source.Shards.Select(s => Path.Combine(folder, s)));
            var map = Mapping(tokens, source.TrainTokens, source.VocabSize, vocabSize);
            using (var writer = new ShardWriter(staging, vocabSize))
            {
                var buffer = new int[Chunk];
                for (long at = 0; at < tokens.Length; at += Chunk)
                {
                    var span = buffer.AsSpan(0, (int)Math.Min(Chunk, tokens.Length - at));
                    tokens.Read(at, span);
                    foreach (var id in span) writer.Write(map[id]);
                }
            }
            (source with { Tokenizer = $"{source.Tokenizer}-compact{vocabSize}", VocabSize = vocabSize }).Write(staging);
        });
        return (target, DatasetManifest.Read(target));
    }

    /// <summary>Old id → new id, from the training split's frequencies.</summary>
    internal static int[] Mapping(ITokenSequence tokens, long trainTokens, int sourceVocab, int vocabSize)
    {
        var counts = new long[sourceVocab];
        var buffer = new int[Chunk];
        for (long at = 0; at < trainTokens; at += Chunk)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(Chunk, trainTokens - at));
            tokens.Read(at, span);
            foreach (var id in span) counts[id]++;
        }
        var map = Enumerable.Repeat(vocabSize - 1, sourceVocab).ToArray();
        var ranked = Enumerable.Range(0, sourceVocab).Where(id => counts[id] > 0)
            .OrderByDescending(id => counts[id]).ThenBy(id => id).Take(vocabSize - 1).ToList();
        for (var rank = 0; rank < ranked.Count; rank++) map[ranked[rank]] = rank;
        return map;
    }
}
