using ScaleLab.Runs;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

public class TrainerTests
{
    private static readonly RunConfig Config = new()
    {
        DModel = 32, NLayers = 1, NHeads = 2, SeqLen = 32, BatchSize = 8, Tokens = 8 * 32 * 60,
        LearningRate = 3e-3, WarmupSteps = 5, EvalInterval = 30, EvalBatches = 2, LogInterval = 10, Seed = 7,
    };

    private static readonly TokenCorpus Text = TokenCorpus.FromBytes("gcide",
        GcideCorpus.Load(GcideCorpus.DefaultSource, Path.Combine(Path.GetTempPath(), "scalelab-test-corpus"), 1 << 20));

    private static Trainer NewTrainer(RunConfig config) =>
        new(config, new LanguageModelingTask(Text, config.BatchSize, config.SeqLen, config.Seed, config.EvalBatches, config.FinalEvalTokens), CPU);

    [Fact]
    public void The_final_evaluation_reads_the_held_out_split_and_reports_its_standard_error_and_bits_per_byte()
    {
        var recorder = new RecordingObserver();
        var outcome = NewTrainer(Config).Train(recorder, CancellationToken.None);
        double Final(string name) => recorder.Samples.Single(s => s.Name == name && s.Step == 60).Value;

        // The whole split (1 MiB of bytes x 5 %, under the 1M-token default), in non-overlapping windows of seqLen.
        var windows = (Text.Validation.Length - 1) / Config.SeqLen;
        Assert.Equal(windows * Config.SeqLen, Final("val_tokens"));
        Assert.Equal(outcome.FinalValLoss!.Value, Final("val_loss"), 9);
        var se = Final("val_loss_se");
        Assert.InRange(se, 1e-4, 0.05 * Final("val_loss"));            // thousands of windows: a small, non-zero error
        Assert.Equal(Final("val_loss") / Math.Log(2), Final("val_bpb"), 9); // bytes as tokens: one byte per token
        // A periodic evaluation stays a small sample: no standard error reported there.
        Assert.DoesNotContain(recorder.Samples, s => s.Name == "val_loss_se" && s.Step < 60);
        Assert.Contains(recorder.Samples, s => s.Name == "val_bpb" && s.Step == 30);
    }

    [Theory]
    [InlineData("softmax", "cosine", 1)]
    [InlineData("gla", "wsd", 2)]
    [InlineData("mamba", "cosine", 1)]
    [InlineData("hybrid", "wsd", 1)]
    public void Resuming_from_a_checkpoint_reproduces_the_uninterrupted_run_bitwise(string mixer, string schedule, int microBatches)
    {
        var config = Config with { CheckpointInterval = 20, Mixer = mixer, Schedule = schedule, MicroBatches = microBatches, HybridPattern = "mamba,softmax" };
        var uninterrupted = new RecordingObserver();
        NewTrainer(config).Train(uninterrupted, CancellationToken.None);
        Assert.Equal(new[] { 20, 40 }, uninterrupted.Checkpoints.Keys.Order()); // none at the last step: that is the final checkpoint

        var resumed = new RecordingObserver();
        var outcome = NewTrainer(config).Train(resumed, CancellationToken.None, new MemoryStream(uninterrupted.Checkpoints[20]));

        Assert.Equal(20, outcome.ResumedFromStep);
        Assert.DoesNotContain(resumed.Samples, s => s.Step <= 20);
        Assert.Equal(uninterrupted.Losses(20), resumed.Losses(20)); // loss, grad norm and val loss of steps 21..60, bit for bit
        foreach (var entry in new[] { "model.bin", "optimizer.bin" }) // the same weights and AdamW state at step 40 (wall clock aside)
            Assert.Equal(Entry(uninterrupted.Checkpoints[40], entry), Entry(resumed.Checkpoints[40], entry));
    }

    [Theory]
    [InlineData("softmax", CooldownShapes.OneMinusSqrt)]
    [InlineData("gla", CooldownShapes.Linear)]
    public void A_branch_off_a_longer_trunk_is_bit_for_bit_the_run_of_its_budget_from_scratch(string mixer, string shape)
    {
        // The ladder's promise: a cooldown branched off the trunk's stable phase is the short WSD run itself, at the cost of its cooldown.
        var trunk = Config with { Mixer = mixer, Schedule = "wsd", CooldownShape = shape, DecayFraction = 0.25, Tokens = Config.TokensPerStep * 120, CheckpointInterval = 0 };
        var branch = trunk with { Tokens = Config.TokensPerStep * 60 };
        var at = LearningRateSchedule.DecayStart(branch);
        Assert.Equal(45, at);

        var trunkRun = new RecordingObserver();
        new Trainer(trunk, Task(trunk), CPU, branchPoints: new HashSet<int> { at }).Train(trunkRun, CancellationToken.None);
        Assert.Equal(new[] { at }, trunkRun.BranchPoints.Keys);

        var fromScratch = new RecordingObserver();
        NewTrainer(branch).Train(fromScratch, CancellationToken.None);
        var branched = new RecordingObserver();
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var outcome = NewTrainer(branch).Train(branched, CancellationToken.None, branchFrom: new MemoryStream(trunkRun.BranchPoints[at]));
        timer.Stop();

        Assert.Equal(at, outcome.ResumedFromStep);
        Assert.DoesNotContain(branched.Samples, s => s.Step <= at);
        // Its cooldown's losses, gradient norms and val losses, bit for bit; the first logged loss after the branch point
        // averages fewer steps (46..50, not 41..50), so the comparison starts at the next log step.
        Assert.Equal(fromScratch.Losses(50), branched.Losses(50));
        Assert.Equal(fromScratch.Samples.Single(s => s.Step == 50 && s.Name == "grad_norm").Value, branched.Samples.Single(s => s.Step == 50 && s.Name == "grad_norm").Value);
        Assert.Equal(fromScratch.Last("val_loss"), outcome.FinalValLoss);
        Assert.Equal(branch.Steps * branch.TokensPerStep, branched.Samples.Last().Tokens); // the model's tokens: the trunk's share included
        Assert.True(trunkRun.Last("val_loss") < outcome.FinalValLoss, "the trunk, twice as long, ends lower than its branch");
        // Its clock counts only its own steps: no more than the call took (the trunk's 45 steps are not carried over).
        Assert.True(outcome.WallClockSeconds <= timer.Elapsed.TotalSeconds, $"the branch's clock says {outcome.WallClockSeconds:F2} s of a {timer.Elapsed.TotalSeconds:F2} s call");
    }

    [Fact]
    public void A_branch_point_before_the_trunks_first_log_keeps_a_checkpoint_a_branch_continues_from()
    {
        // A short ladder branch can begin its cooldown before its trunk's first logged step: the trunk has no loss to
        // record there yet (this once threw on writing NaN into the checkpoint's JSON manifest).
        var trunk = Config with { Schedule = "wsd", Tokens = Config.TokensPerStep * 60, LogInterval = 50, CheckpointInterval = 0 };
        var trunkRun = new RecordingObserver();
        new Trainer(trunk, Task(trunk), CPU, branchPoints: new HashSet<int> { 7 }).Train(trunkRun, CancellationToken.None);

        var manifest = CheckpointArchive.ReadManifest(new MemoryStream(trunkRun.BranchPoints[7]));
        Assert.Equal((7, (double?)null), (manifest.Step, manifest.Loss));
        var branch = trunk with { Tokens = Config.TokensPerStep * 9 };
        Assert.Equal(7, LearningRateSchedule.DecayStart(branch));
        var outcome = NewTrainer(branch).Train(new RecordingObserver(), CancellationToken.None, branchFrom: new MemoryStream(trunkRun.BranchPoints[7]));
        Assert.Equal(7, outcome.ResumedFromStep);
        Assert.True(double.IsFinite(outcome.FinalLoss), "the branch logs its own loss at its last step");
    }

    [Fact]
    public void A_branch_is_refused_a_checkpoint_its_schedule_does_not_continue()
    {
        var trunk = Config with { Schedule = "wsd", Tokens = Config.TokensPerStep * 120, CheckpointInterval = 0 };
        var trunkRun = new RecordingObserver();
        new Trainer(trunk, Task(trunk), CPU, branchPoints: new HashSet<int> { 40 }).Train(trunkRun, CancellationToken.None);

        var cosine = trunk with { Schedule = "cosine", Tokens = Config.TokensPerStep * 60 };
        var error = Assert.Throws<InvalidDataException>(() => NewTrainer(cosine).Train(new RecordingObserver(), CancellationToken.None, branchFrom: new MemoryStream(trunkRun.BranchPoints[40])));
        Assert.Contains("schedules differ", error.Message);
        var wider = trunk with { DModel = 64, Tokens = Config.TokensPerStep * 60 };
        Assert.Throws<InvalidDataException>(() => NewTrainer(wider).Train(new RecordingObserver(), CancellationToken.None, branchFrom: new MemoryStream(trunkRun.BranchPoints[40])));
    }

    private static ITrainingTask Task(RunConfig config) =>
        new LanguageModelingTask(Text, config.BatchSize, config.SeqLen, config.Seed, config.EvalBatches, config.FinalEvalTokens);

    private static byte[] Entry(byte[] archive, string name)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(archive));
        using var entry = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        entry.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public void A_checkpoint_of_another_config_is_refused()
    {
        var recorder = new RecordingObserver();
        NewTrainer(Config with { CheckpointInterval = 20 }).Train(recorder, CancellationToken.None);

        Assert.Throws<InvalidDataException>(() =>
            NewTrainer(Config with { CheckpointInterval = 20, LearningRate = 1e-3 })
                .Train(new RecordingObserver(), CancellationToken.None, new MemoryStream(recorder.Checkpoints[20])));
    }

    [Fact]
    public void Training_on_english_text_lowers_the_loss_well_below_uniform()
    {
        var recorder = new RecordingObserver();
        var outcome = NewTrainer(Config).Train(recorder, CancellationToken.None);

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
        var a = new RecordingObserver();
        var b = new RecordingObserver();
        NewTrainer(Config).Train(a, CancellationToken.None);
        NewTrainer(Config).Train(b, CancellationToken.None);

        Assert.Equal(a.Samples.Where(s => s.Name == "loss").Select(s => s.Value), b.Samples.Where(s => s.Name == "loss").Select(s => s.Value));
    }

    [Fact]
    public void Checkpoint_round_trip_reproduces_the_model_outputs()
    {
        var trainer = NewTrainer(Config with { Tokens = 8 * 32 * 10, EvalInterval = 10 });
        var outcome = trainer.Train(new RecordingObserver(), CancellationToken.None);
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

    [Fact]
    public void Micro_batches_compute_the_same_step_as_one_batch_up_to_rounding()
    {
        var whole = new RecordingObserver();
        NewTrainer(Config).Train(whole, CancellationToken.None);
        var split = new RecordingObserver();
        NewTrainer(Config with { MicroBatches = 4 }).Train(split, CancellationToken.None);

        var a = whole.Losses(0);
        var b = split.Losses(0);
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 2e-3 * Math.Abs(a[i]), $"metric {i}: {a[i]} vs {b[i]}");
        Assert.NotEqual(a, b); // really a different computation, not the same path
    }

    [Fact]
    public void Bf16_training_keeps_fp32_master_weights_and_learns()
    {
        var config = Config with { Precision = "bf16" };
        var recorder = new RecordingObserver();
        var trainer = NewTrainer(config);
        var outcome = trainer.Train(recorder, CancellationToken.None);

        Assert.All(trainer.Model!.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var losses = recorder.Samples.Where(s => s.Name == "loss").Select(s => s.Value).ToList();
        Assert.True(losses[^1] < losses[0] - 1.0, $"bf16 loss went {losses[0]} -> {losses[^1]}");
        Assert.True(outcome.FinalValLoss < Math.Log(256) - 1.5, $"val loss {outcome.FinalValLoss}");
    }
}
