using System.Collections.Concurrent;
using ScaleLab.Runs;

namespace ScaleLab.Workers.Corpus;

/// <summary>
/// The worker's tokenized corpora, built once per tokenizer (or data set) and reused by every run; the built-in
/// corpus's source, the cache folder and size come from configuration (Training:*).
/// </summary>
public sealed class CorpusProvider(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<(string, int), Lazy<TokenCorpus>> _corpora = new();
    private readonly ConcurrentDictionary<ScaleLab.Datasets.DatasetSpec, Lazy<TokenCorpus>> _datasets = new();

    private string CacheDirectory => configuration["Training:CacheDirectory"] ?? Path.Combine(Path.GetTempPath(), "scalelab-corpus");

    public TokenCorpus Get(RunConfig run)
    {
        if (run.Dataset is { } spec)
        {
            var lazy = _datasets.GetOrAdd(spec, d => new Lazy<TokenCorpus>(() =>
            {
                var (folder, manifest) = Datasets.DatasetBuilder.Ensure(d, CacheDirectory);
                return Datasets.DatasetCorpus.Open(folder, manifest);
            }));
            try
            {
                return lazy.Value;
            }
            catch
            {
                _datasets.TryRemove(KeyValuePair.Create(spec, lazy));   // a fixed file must be read again, not the cached failure
                throw;
            }
        }
        var key = run.Tokenizer == "bpe" ? ("bpe", run.BpeVocab) : ("bytes", 256);
        return _corpora.GetOrAdd(key, k => new Lazy<TokenCorpus>(() => Build(k.Item1, k.Item2))).Value;
    }

    private TokenCorpus Build(string tokenizer, int vocab)
    {
        var text = GcideCorpus.Load(
            configuration["Training:CorpusSource"] ?? GcideCorpus.DefaultSource, CacheDirectory,
            configuration.GetValue("Training:CorpusBytes", 8 * 1024 * 1024));
        return tokenizer == "bpe" ? BpeCorpus.Load(text, CacheDirectory, vocab) : TokenCorpus.FromBytes("gcide", text);
    }
}
