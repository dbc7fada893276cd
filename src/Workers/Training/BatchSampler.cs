using ScaleLab.Workers.Corpus;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Draws (input, target) windows of a byte corpus. Training windows start at positions drawn from the run's
/// seed, so a run sees the same data every time; validation windows are fixed and evenly spaced.
/// </summary>
public sealed class BatchSampler(ByteCorpus corpus, int batchSize, int seqLen, int seed)
{
    private readonly Random _random = new(seed);

    public (Tensor Input, Tensor Target) NextTrain(Device device)
    {
        var span = corpus.Train.Span;
        var starts = new int[batchSize];
        for (var b = 0; b < batchSize; b++) starts[b] = _random.Next(0, span.Length - seqLen - 1);
        return Build(span, starts, device);
    }

    public (Tensor Input, Tensor Target) Validation(int batchIndex, int batches, Device device)
    {
        var span = corpus.Validation.Span;
        var windows = batches * batchSize;
        var stride = Math.Max(1, (span.Length - seqLen - 1) / windows);
        var starts = new int[batchSize];
        for (var b = 0; b < batchSize; b++) starts[b] = ((batchIndex * batchSize + b) * stride) % (span.Length - seqLen - 1);
        return Build(span, starts, device);
    }

    private (Tensor, Tensor) Build(ReadOnlySpan<byte> span, int[] starts, Device device)
    {
        var x = new long[starts.Length * seqLen];
        var y = new long[starts.Length * seqLen];
        for (var b = 0; b < starts.Length; b++)
        for (var t = 0; t < seqLen; t++)
        {
            x[b * seqLen + t] = span[starts[b] + t];
            y[b * seqLen + t] = span[starts[b] + t + 1];
        }
        long[] shape = [starts.Length, seqLen];
        return (tensor(x, shape).to(device), tensor(y, shape).to(device)); // (B, T) each
    }
}
