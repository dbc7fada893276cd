using ScaleLab.Workers.Corpus;

namespace ScaleLab.Workers.Datasets;

/// <summary>A tokenized data set's shards, mapped, as a corpus with its training and validation splits.</summary>
public static class DatasetCorpus
{
    public static TokenCorpus Open(string folder, DatasetManifest manifest)
    {
        var shards = new MappedShards(manifest.Shards.Select(s => Path.Combine(folder, s)));
        if (shards.Length != manifest.Tokens)
        {
            shards.Dispose();
            throw new InvalidDataException($"{folder} holds {shards.Length} tokens; its manifest says {manifest.Tokens}");
        }
        return new TokenCorpus($"{manifest.Source} ({manifest.Tokenizer})",
            new TokenSlice(shards, 0, manifest.TrainTokens), new TokenSlice(shards, manifest.TrainTokens, manifest.ValidationTokens),
            manifest.VocabSize, manifest.ValidationBytes, manifest.ContentHash);
    }
}
