using ScaleLab.Sampling;
using ScaleLab.Workers.Corpus;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Tasks;

/// <summary>
/// Next-token prediction on a tokenized corpus. A training window's start is a hash of (seed, step, row); periodic
/// validation windows are evenly spaced over the held-out split; the final evaluation reads the split from its start
/// in non-overlapping windows, up to <paramref name="finalEvalTokens"/> tokens or the whole split.
/// </summary>
public sealed class LanguageModelingTask(TokenCorpus corpus, int batchSize, int seqLen, int seed, int evalBatches, long finalEvalTokens) : ITrainingTask
{
    public string? AccuracyMetric => null;

    public double? BytesPerToken => (double)corpus.ValidationBytes / corpus.Validation.Length;

    /// <summary>Non-overlapping windows of seqLen + 1 tokens (input and its shifted target) in the validation split.</summary>
    private int FinalWindows => (int)Math.Min((corpus.Validation.Length - 1) / seqLen, Math.Max(1, finalEvalTokens / seqLen));

    public int FinalValidationBatches => finalEvalTokens <= 0 ? evalBatches : (FinalWindows + batchSize - 1) / batchSize;

    public (Tensor Input, Tensor Target) FinalValidation(int index, Device device)
    {
        if (finalEvalTokens <= 0) return Validation(index, device);
        var first = index * batchSize;
        var starts = Enumerable.Range(first, Math.Min(batchSize, FinalWindows - first)).Select(w => w * seqLen).ToArray();
        return Windows(corpus.Validation, starts, device);
    }

    public (Tensor Input, Tensor Target) Train(int step, Device device)
    {
        var range = (ulong)(corpus.Train.Length - seqLen - 1);
        var starts = new int[batchSize];
        for (var b = 0; b < batchSize; b++)
            starts[b] = (int)(SplitMix64.Mix(((ulong)(uint)seed << 40) ^ ((ulong)step * (ulong)batchSize + (ulong)b)) % range);
        return Windows(corpus.Train, starts, device);
    }

    public (Tensor Input, Tensor Target) Validation(int index, Device device)
    {
        var span = corpus.Validation.Length - seqLen - 1;
        var stride = Math.Max(1, span / (evalBatches * batchSize));
        var starts = new int[batchSize];
        for (var b = 0; b < batchSize; b++) starts[b] = (index * batchSize + b) * stride % span;
        return Windows(corpus.Validation, starts, device);
    }

    private (Tensor, Tensor) Windows(int[] tokens, int[] starts, Device device)
    {
        var x = new long[starts.Length * seqLen];
        var y = new long[starts.Length * seqLen];
        for (var b = 0; b < starts.Length; b++)
        for (var t = 0; t < seqLen; t++)
        {
            x[b * seqLen + t] = tokens[starts[b] + t];
            y[b * seqLen + t] = tokens[starts[b] + t + 1];
        }
        long[] shape = [starts.Length, seqLen];
        return (tensor(x, shape).to(device), tensor(y, shape).to(device));                    // (B, T) each
    }
}
