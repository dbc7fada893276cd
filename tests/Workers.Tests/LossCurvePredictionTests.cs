using ScaleLab.LossCurves;
using ScaleLab.Runs;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

/// <summary>
/// The annealing law on curves of real training (tiny models on text from a hidden Markov model, CPU): a WSD run's
/// final loss, predicted from half of its steps (all in its stable phase) and a finished cosine run of the same length,
/// must land near the loss it reaches, inside the interval, and nearer than the loss logged so far does. This is the
/// law's claim (Tissue et al. 2024): fitted on one schedule's curve, it predicts another schedule's.
/// </summary>
public class LossCurvePredictionTests(ITestOutputHelper output)
{
    private static readonly RunConfig Base = new()
    {
        Task = TaskKinds.HiddenMarkov, HmmStates = 16, HmmVocab = 64, HmmSeed = 2,
        DModel = 32, NLayers = 1, NHeads = 2, SeqLen = 32, BatchSize = 16,
        LearningRate = 3e-3, WarmupSteps = 10, EvalInterval = 1_000_000, EvalBatches = 1, LogInterval = 10,
        CheckpointInterval = 0, FinalEvalTokens = 0, Seed = 1,
    };

    private static LossCurve Train(RunConfig config)
    {
        var recorder = new RecordingObserver();
        new Trainer(config, new HiddenMarkovTask(config), CPU).Train(recorder, CancellationToken.None);
        var points = recorder.Samples.Where(s => s.Name == MetricNames.Loss).Select(s => new CurvePoint(s.Step, s.Value)).ToList();
        return LossCurve.Of(config, points);
    }

    [Fact]
    public void A_wsd_runs_final_loss_is_predicted_from_half_its_steps_and_a_finished_cosine_sibling()
    {
        var tokensPerStep = Base.BatchSize * Base.SeqLen;
        var sibling = Train(Base with { Schedule = "cosine", Tokens = 800L * tokensPerStep });
        var run = Train(Base with { Schedule = "wsd", DecayFraction = 0.2, Tokens = 800L * tokensPerStep, Seed = 2 });
        var actual = run.Points[^1].Loss;
        var known = run.Through(400);

        var prediction = LossCurvePredictor.Predict(known, [sibling], new(Bootstrap: 100))!;
        var naive = known.Points[^1].Loss;   // what a researcher sees at half way without a law
        output.WriteLine($"actual {actual:F4}; predicted {prediction.Loss:F4} [{prediction.Low:F4}, {prediction.High:F4}]; loss so far {naive:F4}; law {prediction.Law}");

        Assert.Equal(800, run.Points[^1].Step);
        Assert.InRange(actual, prediction.Low!.Value, prediction.High!.Value);
        Assert.True(Math.Abs(prediction.Loss - actual) < 0.04, $"error {prediction.Loss - actual:F4}");
        Assert.True(Math.Abs(prediction.Loss - actual) < 0.5 * Math.Abs(naive - actual), $"law error {prediction.Loss - actual:F4}, loss so far off by {naive - actual:F4}");
        Assert.True(prediction.High - prediction.Low < 0.2, $"interval [{prediction.Low}, {prediction.High}] says little");
    }
}
