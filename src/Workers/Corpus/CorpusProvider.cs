namespace ScaleLab.Workers.Corpus;

/// <summary>The worker's corpus, loaded once on first use; its location and size come from configuration (Training:*).</summary>
public sealed class CorpusProvider(IConfiguration configuration)
{
    public ByteCorpus Get() => GcideCorpus.Load(
        configuration["Training:CorpusSource"] ?? GcideCorpus.DefaultSource,
        configuration["Training:CacheDirectory"] ?? Path.Combine(Path.GetTempPath(), "scalelab-corpus"),
        configuration.GetValue("Training:CorpusBytes", 8 * 1024 * 1024));
}
