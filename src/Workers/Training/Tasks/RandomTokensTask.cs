using ScaleLab.Sampling;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Tasks;

/// <summary>Uniformly random tokens, for throughput benchmarks: costs nothing to produce, and needs no corpus.</summary>
public sealed class RandomTokensTask(int vocab, int batchSize, int seqLen, int seed) : ITrainingTask
{
    public string? AccuracyMetric => null;

    public (Tensor Input, Tensor Target) Train(int step, Device device) => Batch(step, device);

    public (Tensor Input, Tensor Target) Validation(int index, Device device) => Batch(-1 - index, device);

    private (Tensor, Tensor) Batch(int stream, Device device)
    {
        var generator = new SplitMix64(SplitMix64.Mix(((ulong)(uint)seed << 32) ^ (uint)stream));
        var tokens = new long[batchSize * (seqLen + 1)];
        for (var i = 0; i < tokens.Length; i++) tokens[i] = generator.Below(vocab);
        var all = tensor(tokens, [batchSize, seqLen + 1]).to(device);
        return (all[.., ..seqLen].contiguous(), all[.., 1..].contiguous());
    }
}
