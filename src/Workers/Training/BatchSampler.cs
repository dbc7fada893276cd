using ScaleLab.Workers.Corpus;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Draws (input, target) windows of a byte corpus. A training window's start is a hash of (seed, step, row), so
/// the data a run sees depends on nothing but its seed and the step: resuming at step k needs no sampler state.
/// Validation windows are fixed and evenly spaced.
/// </summary>
public sealed class BatchSampler(ByteCorpus corpus, int batchSize, int seqLen, int seed)
{
    public (Tensor Input, Tensor Target) Train(int step, Device device)
    {
        var span = corpus.Train.Span;
        var range = (ulong)(span.Length - seqLen - 1);
        var starts = new int[batchSize];
        for (var b = 0; b < batchSize; b++) starts[b] = (int)(SplitMix64(((ulong)(uint)seed << 40) ^ ((ulong)step * (ulong)batchSize + (ulong)b)) % range);
        return Build(span, starts, device);
    }

    /// <summary>SplitMix64's finaliser: a well-mixed 64-bit hash, so neighbouring (step, row) pairs land far apart.</summary>
    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
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
