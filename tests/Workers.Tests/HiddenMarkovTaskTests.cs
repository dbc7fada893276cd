using ScaleLab.Runs;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

public class HiddenMarkovTaskTests
{
    private static readonly RunConfig Config = new()
    {
        Task = TaskKinds.HiddenMarkov, HmmStates = 16, HmmVocab = 64, HmmSeed = 2,
        DModel = 32, NLayers = 1, NHeads = 2, SeqLen = 32, BatchSize = 16, Tokens = 16 * 32 * 300,
        LearningRate = 3e-3, WarmupSteps = 10, EvalInterval = 100, EvalBatches = 2, LogInterval = 50,
        CheckpointInterval = 0, FinalEvalTokens = 32 * 1024, Seed = 1,
    };

    [Fact]
    public void Targets_are_the_inputs_shifted_by_one_and_the_text_is_a_function_of_the_seed()
    {
        var task = new HiddenMarkovTask(Config);
        var (input, target) = task.Train(3, CPU);
        Assert.Equal(new long[] { 16, 32 }, input.shape);
        Assert.True(input[.., 1..].equal(target[.., ..^1]).all().item<bool>());
        Assert.True(input.max().item<long>() < Config.HmmVocab && input.min().item<long>() >= 0);
        Assert.True(new HiddenMarkovTask(Config).Train(3, CPU).Target.equal(target).all().item<bool>());
        Assert.False(new HiddenMarkovTask(Config with { Seed = 2 }).Train(3, CPU).Target.equal(target).all().item<bool>());
        Assert.False(task.Train(4, CPU).Target.equal(target).all().item<bool>());
    }

    [Fact]
    public void A_model_approaches_the_true_models_loss_and_never_beats_it()
    {
        var recorder = new RecordingObserver();
        new Trainer(Config, new HiddenMarkovTask(Config), CPU).Train(recorder, CancellationToken.None);

        var optimal = recorder.Last("optimal_loss");
        var (final, se) = (recorder.Last("val_loss"), recorder.Last("val_loss_se"));
        Assert.Equal(32 * 1024, recorder.Last("val_tokens"));
        var unigram = UnigramEntropy(new HiddenMarkovTask(Config));
        Assert.True(optimal < unigram - 0.2, $"optimum {optimal:F3}, unigram entropy {unigram:F3}: the past must matter");
        // The true model is the best predictor of these very tokens: a trained network may come close, not below,
        // and to come close it must use the context (a unigram table stops at the unigram entropy).
        Assert.True(final > optimal - 3 * se, $"val {final:F4} ± {se:F4} below the optimum {optimal:F4}");
        Assert.True(final < unigram - 0.5 * (unigram - optimal), $"val {final:F3}, optimum {optimal:F3}, unigram {unigram:F3}");
    }

    /// <summary>Entropy of the token frequencies over 40 training batches (20k tokens): the best loss without context.</summary>
    private static double UnigramEntropy(HiddenMarkovTask task)
    {
        var counts = new double[Config.HmmVocab];
        for (var step = 0; step < 40; step++)
            foreach (var token in task.Train(step, CPU).Target.data<long>()) counts[token]++;
        var total = counts.Sum();
        return -counts.Where(c => c > 0).Sum(c => c / total * Math.Log(c / total));
    }
}
