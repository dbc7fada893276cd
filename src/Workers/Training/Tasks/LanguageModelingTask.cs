using ScaleLab.Datasets;
using ScaleLab.Workers.Corpus;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Tasks;

/// <summary>
/// Next-token prediction on a tokenized corpus. Training reads windows without replacement within an epoch
/// (<see cref="WindowOrder"/>), so a batch is a function of (seed, step) and the epochs consumed are exact; periodic
/// validation windows are evenly spaced over the held-out split; the final evaluation reads the split from its
/// start in non-overlapping windows, up to <paramref name="finalEvalTokens"/> tokens or the whole split.
/// </summary>
public sealed class LanguageModelingTask(TokenCorpus corpus, int batchSize, int seqLen, int seed, int evalBatches, long finalEvalTokens) : ITrainingTask
{
    private readonly WindowOrder _order = Checked(corpus, seqLen, seed);

    /// <summary>A data set too small for this context fails the run at its start, saying what it needs.</summary>
    private static WindowOrder Checked(TokenCorpus corpus, int seqLen, int seed)
    {
        var order = new WindowOrder(corpus.Train.Length, seqLen, seed);
        if (order.Windows == 0)
            throw new Datasets.DatasetException("dataset", $"its training split holds {corpus.Train.Length:N0} tokens, fewer than two windows of seqLen = {seqLen}");
        if (corpus.Validation.Length < seqLen + 2)
            throw new Datasets.DatasetException("dataset.validationFraction",
                $"its validation split holds {corpus.Validation.Length:N0} tokens; a window of seqLen = {seqLen} needs {seqLen + 2}: hold out more, or add data");
        return order;
    }

    public string? AccuracyMetric => null;

    public double? BytesPerToken => (double)corpus.ValidationBytes / corpus.Validation.Length;

    public string? DataDescription =>
        $"{corpus.Name}{(corpus.ContentHash is { } hash ? $", content sha256 {hash}" : "")}, vocabulary {corpus.VocabSize}, " +
        $"{corpus.Train.Length:N0} training and {corpus.Validation.Length:N0} validation tokens ({_order.Windows:N0} windows of {seqLen + 1} per epoch)";

    public double? EpochsAfter(long steps) => _order.Epochs(steps * batchSize);

    /// <summary>Non-overlapping windows of seqLen + 1 tokens (input and its shifted target) in the validation split.</summary>
    private int FinalWindows => (int)Math.Min((corpus.Validation.Length - 1) / seqLen, Math.Max(1, finalEvalTokens / seqLen));

    public int FinalValidationBatches => finalEvalTokens <= 0 ? evalBatches : (FinalWindows + batchSize - 1) / batchSize;

    public (Tensor Input, Tensor Target) FinalValidation(int index, Device device)
    {
        if (finalEvalTokens <= 0) return Validation(index, device);
        var first = index * batchSize;
        var starts = Enumerable.Range(first, Math.Min(batchSize, FinalWindows - first)).Select(w => (long)w * seqLen).ToArray();
        return Windows(corpus.Validation, starts, device);
    }

    public (Tensor Input, Tensor Target) Train(int step, Device device)
    {
        var starts = new long[batchSize];
        for (var b = 0; b < batchSize; b++) starts[b] = _order.Start((long)step * batchSize + b);
        return Windows(corpus.Train, starts, device);
    }

    public (Tensor Input, Tensor Target) Validation(int index, Device device)
    {
        var span = corpus.Validation.Length - seqLen - 1;
        var stride = Math.Max(1, span / (evalBatches * batchSize));
        var starts = new long[batchSize];
        for (var b = 0; b < batchSize; b++) starts[b] = (index * batchSize + b) * stride % span;
        return Windows(corpus.Validation, starts, device);
    }

    /// <summary>Reused by every batch (a task serves one training thread); torch.tensor copies _rows.</summary>
    private long[] _rows = [];
    private readonly int[] _window = new int[seqLen + 1];

    private (Tensor, Tensor) Windows(ITokenSequence tokens, long[] starts, Device device)
    {
        var span = seqLen + 1;
        if (_rows.Length != starts.Length * span) _rows = new long[starts.Length * span];
        for (var b = 0; b < starts.Length; b++)
        {
            tokens.Read(starts[b], _window);
            for (var t = 0; t < span; t++) _rows[b * span + t] = _window[t];
        }
        using var all = tensor(_rows, [starts.Length, span]);                                     // (B, T + 1)
        return (all[.., ..^1].contiguous().to(device), all[.., 1..].contiguous().to(device));        // (B, T) each
    }
}
