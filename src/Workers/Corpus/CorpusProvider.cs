using System.Collections.Concurrent;
using ScaleLab.Runs;

namespace ScaleLab.Workers.Corpus;

/// <summary>
/// The worker's tokenized corpora, built once per tokenizer and reused by every run; the source, cache folder and
/// size come from configuration (Training:*).
/// </summary>
public sealed class CorpusProvider(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<(string, int), Lazy<TokenCorpus>> _corpora = new();

    private string CacheDirectory => configuration["Training:CacheDirectory"] ?? Path.Combine(Path.GetTempPath(), "scalelab-corpus");

    public TokenCorpus Get(RunConfig run)
    {
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
