using ScaleLab.Runs;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Training;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

public class TrainerTests
{
    private static readonly RunConfig Config = new()
    {
        DModel = 32, NLayers = 1, NHeads = 2, SeqLen = 32, BatchSize = 8, Tokens = 8 * 32 * 60,
        LearningRate = 3e-3, WarmupSteps = 5, EvalInterval = 30, EvalBatches = 2, LogInterval = 10, Seed = 7,
    };

    private static ByteCorpus Corpus() =>
        GcideCorpus.Load(GcideCorpus.DefaultSource, Path.Combine(Path.GetTempPath(), "scalelab-test-corpus"), 1 << 20);

    private sealed class Recorder : ITrainingObserver
    {
        public List<MetricSample> Samples { get; } = [];
        public List<RunProgress> Progress { get; } = [];
        public void OnMetrics(IReadOnlyList<MetricSample> samples) => Samples.AddRange(samples);
        public void OnProgress(RunProgress progress) => Progress.Add(progress);
    }

    [Fact]
    public void Training_on_english_text_lowers_the_loss_well_below_uniform()
    {
        var recorder = new Recorder();
        var outcome = new Trainer(Config, Corpus(), CPU).Train(recorder, CancellationToken.None);

        var losses = recorder.Samples.Where(s => s.Name == "loss").Select(s => s.Value).ToList();
        Assert.Equal(60, outcome.Steps);
        Assert.Equal(6, losses.Count); // one per log interval
        Assert.True(losses[^1] < Math.Log(256) - 1.5, $"final loss {losses[^1]} is not well below ln 256");
        Assert.True(losses[^1] < losses[0]);
        Assert.NotNull(outcome.FinalValLoss);
        Assert.Equal(new[] { 30, 60 }, recorder.Samples.Where(s => s.Name == "val_loss").Select(s => s.Step));
    }

    [Fact]
    public void Same_seed_gives_bitwise_identical_losses_on_cpu()
    {
        var a = new Recorder();
        var b = new Recorder();
        new Trainer(Config, Corpus(), CPU).Train(a, CancellationToken.None);
        new Trainer(Config, Corpus(), CPU).Train(b, CancellationToken.None);

        Assert.Equal(a.Samples.Where(s => s.Name == "loss").Select(s => s.Value), b.Samples.Where(s => s.Name == "loss").Select(s => s.Value));
    }

    [Fact]
    public void Checkpoint_round_trip_reproduces_the_model_outputs()
    {
        var trainer = new Trainer(Config with { Tokens = 8 * 32 * 10, EvalInterval = 10 }, Corpus(), CPU);
        var outcome = trainer.Train(new Recorder(), CancellationToken.None);
        using var archive = new MemoryStream();
        CheckpointArchive.Write(trainer.Model!, trainer.Optimizer!,
            new CheckpointArchive.Manifest(Config, outcome.Steps, outcome.Tokens, outcome.FinalLoss, outcome.FinalValLoss), archive);
        archive.Position = 0;

        var (restored, manifest) = CheckpointArchive.ReadModel(archive);

        using var _ = no_grad();
        trainer.Model!.eval();
        restored.eval();
        var input = randint(0, 256, [2, 32], dtype: int64);
        Assert.True(trainer.Model.forward(input).eq(restored.forward(input)).all().item<bool>());
        Assert.Equal(10, manifest.Step);
        Assert.Equal(Config.DModel, manifest.Config.DModel);
    }
}
