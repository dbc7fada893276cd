using ScaleLab.Sampling;
using ScaleLab.Runs;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Tasks;

/// <summary>
/// Multi-query associative recall as defined in Zoology (Arora et al. 2023): a sequence starts with P key-value
/// pairs (distinct keys from the lower half of the vocabulary, values from the upper half); later every key appears
/// once more as a query and the model must name its value at the next position. Query slots are drawn with
/// Zoology's power law (weight ∝ gap^(a−1), a = 0.01, so most queries come soon after the pairs); other positions
/// hold random tokens. Only the queried positions are scored.
/// </summary>
public sealed class MqarTask(RunConfig config) : ITrainingTask
{
    public const double PowerA = 0.01;

    /// <summary>Validation sequences come from their own stream, disjoint from every training step's.</summary>
    private const ulong ValidationStream = 0xA55E55ED;

    public string? AccuracyMetric => MetricNames.MqarAccuracy;

    public (Tensor Input, Tensor Target) Train(int step, Device device) => Batch(((ulong)step << 1) | 0, device);

    public (Tensor Input, Tensor Target) Validation(int index, Device device) => Batch((((ulong)index ^ ValidationStream) << 1) | 1, device);

    private (Tensor, Tensor) Batch(ulong stream, Device device)
    {
        var (rows, t) = (config.BatchSize, config.SeqLen);
        var input = new long[rows * t];
        var target = new long[rows * t];
        for (var row = 0; row < rows; row++)
        {
            var rng = new SplitMix64(SplitMix64.Mix(((ulong)(uint)config.Seed << 40) ^ SplitMix64.Mix(stream * 65_537 + (ulong)row)));
            var sequence = Sequence(ref rng, out var queried);                          // T + 1 tokens
            for (var i = 0; i < t; i++)
            {
                input[row * t + i] = sequence[i];
                target[row * t + i] = queried[i] ? sequence[i + 1] : ITrainingTask.Ignore;
            }
        }
        long[] shape = [rows, t];
        return (tensor(input, shape).to(device), tensor(target, shape).to(device));
    }

    /// <summary>One example: T + 1 tokens and, per position, whether the next token is a value to recall.</summary>
    internal int[] Sequence(ref SplitMix64 rng, out bool[] queried)
    {
        var (vocab, pairs, length) = (config.MqarVocab, config.MqarPairs, config.SeqLen + 1);
        var half = vocab / 2;
        var keys = Sample(ref rng, half, pairs);
        var values = new int[pairs];
        for (var i = 0; i < pairs; i++) values[i] = half + rng.Below(vocab - half);

        var sequence = new int[length];
        for (var i = 0; i < length; i++) sequence[i] = rng.Below(vocab);
        queried = new bool[length];
        for (var i = 0; i < pairs; i++) (sequence[2 * i], sequence[2 * i + 1]) = (keys[i], values[i]);

        // Query slots are even offsets after the pairs: a key at 2P + 2s, its value right after.
        var slots = (length - 2 * pairs) / 2;
        var chosen = PowerLawSlots(ref rng, slots, pairs);
        var order = Sample(ref rng, pairs, pairs);                                      // which pair each slot asks about
        for (var i = 0; i < pairs; i++)
        {
            var at = 2 * pairs + 2 * chosen[i];
            (sequence[at], sequence[at + 1]) = (keys[order[i]], values[order[i]]);
            queried[at] = true;
        }
        return sequence;
    }

    /// <summary>k distinct values of [0, n) in random order (partial Fisher-Yates).</summary>
    private static int[] Sample(ref SplitMix64 rng, int n, int k)
    {
        var pool = Enumerable.Range(0, n).ToArray();
        for (var i = 0; i < k; i++)
        {
            var j = i + rng.Below(n - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..k];
    }

    /// <summary>k distinct slots of [0, n), slot s drawn with weight (s + 1)^(a − 1), without replacement.</summary>
    private static int[] PowerLawSlots(ref SplitMix64 rng, int n, int k)
    {
        var weights = Enumerable.Range(0, n).Select(s => Math.Pow(s + 1, PowerA - 1)).ToArray();
        var chosen = new int[k];
        for (var i = 0; i < k; i++)
        {
            var pick = rng.NextDouble() * weights.Sum();
            var s = 0;
            for (; s < n - 1 && (pick -= weights[s]) >= 0; s++) { }
            while (weights[s] == 0) s = (s + 1) % n;                                     // rounding landed on a taken slot
            chosen[i] = s;
            weights[s] = 0;
        }
        return chosen;
    }
}
