using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using ScaleLab.Datasets;
using ScaleLab.Runs;
using ScaleLab.Workers.Corpus.Debian;
using ScaleLab.Workers.Datasets;

namespace ScaleLab.Workers.Corpus;

/// <summary>
/// The worker's tokenized corpora, built once per data set and tokenizer and reused by every run. A run without a
/// data set trains on the default corpus (<see cref="DebianCorpus"/>, capped at Training:CorpusBytes when set) in
/// bytes or in cl100k compacted to bpeVocab; the cache folder is Training:CacheDirectory. A registered data set
/// (dataset.name) is read from its shards in the artifact store; the standalone trainer, which has no cluster, reads files.
/// </summary>
public sealed class CorpusProvider(IConfiguration configuration, TokenizationQueue? registry = null, BlobServiceClient? blobs = null)
{
    /// <summary>Share of the default corpus held out: its last documents (a mix of every source).</summary>
    public const double DefaultValidationFraction = 0.05;

    /// <summary>A run's data: its data set, or (Spec null) the default corpus in a tokenizer, compacted to a vocabulary or not.</summary>
    private sealed record Key(DatasetSpec? Spec, string Tokenizer, int Compact);

    private readonly ConcurrentDictionary<Key, Lazy<TokenCorpus>> _corpora = new();

    private string CacheDirectory => CacheDirectoryOf(configuration);

    /// <summary>Where corpora and tokenized data sets live on this machine (Training:CacheDirectory).</summary>
    public static string CacheDirectoryOf(IConfiguration configuration) =>
        configuration["Training:CacheDirectory"] ?? Path.Combine(Path.GetTempPath(), "scalelab-corpus");

    public TokenCorpus Get(RunConfig run)
    {
        // A worker reads a data set's files once per process: changed files need a new source path or a restart.
        var key = run.Dataset is { } spec ? new Key(spec, "", 0) : new Key(null, run.Tokenizer, run.Tokenizer == "bpe" ? run.BpeVocab : 0);
        var lazy = _corpora.GetOrAdd(key, k => new Lazy<TokenCorpus>(() => k.Spec is null ? OpenDefault(k.Tokenizer, k.Compact) : Open(k.Spec, 0)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _corpora.TryRemove(KeyValuePair.Create(key, lazy));   // a fixed file must be read again, not the cached failure
            throw;
        }
    }

    private DatasetSpec DefaultCorpus(string tokenizer) => new()
    {
        Source = DebianCorpus.Ensure(CacheDirectory, configuration.GetValue<long?>("Training:CorpusBytes")),
        Format = DatasetFormats.Text,
        Tokenizer = tokenizer == "bpe" ? DatasetTokenizers.Cl100k : DatasetTokenizers.Bytes,
        ValidationFraction = DefaultValidationFraction,
    };

    private TokenCorpus OpenDefault(string tokenizer, int compactTo)
    {
        var corpus = Open(DefaultCorpus(tokenizer), compactTo);
        try
        {
            // Best effort: a preview without it only misses the repeated-data warning for runs on the default corpus.
            registry?.ReportDefaultSplitAsync(tokenizer, corpus.Train.Length, corpus.ContentHash, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
        }
        return corpus;
    }

    private TokenCorpus Open(DatasetSpec spec, int compactTo)
    {
        if (spec.Name is null) DatasetAccess.Check(spec, configuration);
        var (folder, manifest) = spec.Name is { } name ? Registered(name, spec.Tokenizer)
            : DatasetBuilder.Ensure(BlobSource.Localize(spec, blobs, CacheDirectory), CacheDirectory);
        if (compactTo > 0) (folder, manifest) = CompactedVocabulary.Ensure(folder, manifest, compactTo);
        return DatasetCorpus.Open(folder, manifest, spec.Name is { } registered ? $"data set {registered}" : null);
    }

    private (string Folder, DatasetManifest Manifest) Registered(string name, string tokenizer)
    {
        if (registry is null || blobs is null)
            throw new DatasetException("dataset.name", "a registered data set is read from the cluster's artifact store; outside a cluster, name its files in dataset.source");
        // Runs start on the training thread, never on a grain turn, so waiting here holds up nothing else.
        var found = registry.FindAsync(name, tokenizer, CancellationToken.None).GetAwaiter().GetResult();
        if (found is null) throw new DatasetException("dataset.name", $"no data set '{name}' is registered with tokenizer {tokenizer}");
        if (found.Value.ShardPrefix is not { } prefix)
            throw new DatasetException("dataset.name", $"data set '{name}' is not tokenized with {tokenizer} yet (its job is {found.Value.Status})");
        return new DatasetShardStore(blobs).Ensure(prefix, CacheDirectory);
    }
}
