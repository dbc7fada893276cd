using ScaleLab.Runs;
using ScaleLab.Sampling;
using ScaleLab.Synthetic;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Tasks;

/// <summary>
/// Next-token prediction on text written by a hidden Markov model (<see cref="HiddenMarkovSource"/>): every row of
/// every batch is a fresh stretch started in the chain's stationary distribution, so there is no repetition and no
/// held-out split to exhaust. The final evaluation is also scored by the true model (the forward algorithm over the
/// same windows), the loss no predictor with this context can beat: what a fitted law's E should approach.
/// </summary>
public sealed class HiddenMarkovTask(RunConfig config) : ITrainingTask
{
    /// <summary>Validation and final-evaluation windows come from their own streams, disjoint from training's.</summary>
    private const ulong ValidationStream = 0x5A11DA7E, FinalStream = 0xF1A1E7A1;

    private readonly HiddenMarkovSource _source = HiddenMarkovSource.Generate(config.HmmStates, config.HmmVocab, config.HmmSeed);

    public string? AccuracyMetric => null;

    public (Tensor Input, Tensor Target) Train(int step, Device device) => Batch(((ulong)step << 2) | 0, config.BatchSize, device);

    public (Tensor Input, Tensor Target) Validation(int index, Device device) => Batch((((ulong)index ^ ValidationStream) << 2) | 1, config.BatchSize, device);

    private long FinalWindows => Math.Max(config.BatchSize, config.FinalEvalTokens / config.SeqLen);

    public int FinalValidationBatches => config.FinalEvalTokens <= 0 ? config.EvalBatches : (int)((FinalWindows + config.BatchSize - 1) / config.BatchSize);

    public (Tensor Input, Tensor Target) FinalValidation(int index, Device device)
    {
        if (config.FinalEvalTokens <= 0) return Validation(index, device);
        return Batch(FinalBatchStream(index), FinalRows(index), device);
    }

    /// <summary>Mean −ln p(target) under the true model over exactly the final evaluation's scored tokens.</summary>
    public double? OptimalFinalLoss()
    {
        double sum = 0;
        long count = 0;
        for (var i = 0; i < FinalValidationBatches; i++)
        {
            var (stream, rows) = config.FinalEvalTokens <= 0
                ? ((((ulong)i ^ ValidationStream) << 2) | 1, config.BatchSize)
                : (FinalBatchStream(i), FinalRows(i));
            for (var row = 0; row < rows; row++)
            {
                var losses = _source.ConditionalLosses(Window(stream, row));
                for (var t = 1; t < losses.Length; t++) sum += losses[t];     // targets are tokens 1..T
                count += losses.Length - 1;
            }
        }
        return sum / count;
    }

    private static ulong FinalBatchStream(int index) => (((ulong)index ^ FinalStream) << 2) | 2;

    private int FinalRows(int index) => (int)Math.Min(config.BatchSize, FinalWindows - (long)index * config.BatchSize);

    /// <summary>T + 1 tokens: the row's input and, shifted by one, its targets.</summary>
    private int[] Window(ulong stream, int row)
    {
        var rng = new SplitMix64(SplitMix64.Mix(((ulong)(uint)config.Seed << 40) ^ SplitMix64.Mix(stream * 65_537 + (ulong)row)));
        return _source.Sample(ref rng, config.SeqLen + 1);
    }

    private (Tensor, Tensor) Batch(ulong stream, int rows, Device device)
    {
        var t = config.SeqLen;
        var input = new long[rows * t];
        var target = new long[rows * t];
        for (var row = 0; row < rows; row++)
        {
            var window = Window(stream, row);
            for (var i = 0; i < t; i++) (input[row * t + i], target[row * t + i]) = (window[i], window[i + 1]);
        }
        long[] shape = [rows, t];
        return (tensor(input, shape).to(device), tensor(target, shape).to(device));      // (B, T) each
    }
}
