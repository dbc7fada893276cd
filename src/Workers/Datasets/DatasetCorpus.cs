using ScaleLab.Workers.Corpus;

namespace ScaleLab.Workers.Datasets;

/// <summary>A tokenized data set's shards, mapped, as a corpus with its training and validation splits.</summary>
public static class DatasetCorpus
{
    /// <param name="label">How runs name it (default: its source); a registered data set goes by its name.</param>
    public static TokenCorpus Open(string folder, DatasetManifest manifest, string? label = null)
    {
        var shards = new MappedShards(manifest.Shards.Select(s => Path.Combine(folder, s)));
        if (shards.Length != manifest.Tokens)
        {
            shards.Dispose();
            throw new InvalidDataException($"{folder} holds {shards.Length} tokens; its manifest says {manifest.Tokens}");
        }
        return new TokenCorpus($"{label ?? manifest.Source} ({manifest.Tokenizer})",
            new TokenSlice(shards, 0, manifest.TrainTokens), new TokenSlice(shards, manifest.TrainTokens, manifest.ValidationTokens),
            manifest.VocabSize, manifest.ValidationBytes, manifest.ContentHash);
    }
}
