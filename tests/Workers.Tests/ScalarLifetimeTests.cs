using ScaleLab.Runs;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

/// <summary>
/// Runs packed into one process while the garbage collector runs without pause: without native/scalar_lifetime.c,
/// TorchSharp's temporary Scalars are freed under libtorch within seconds and the process aborts
/// (bench/scalar-lifetime.sh), which fails the whole test run.
/// <para>
/// Alone, because its collector runs for the whole process: a test beside it that makes tensors outside a dispose
/// scope (the trainer makes none) can lose a temporary whose handle is still inside a native call (TorchSharp passes
/// handles, not SafeHandles), and the host crashed so with PackedDecoderLMTests in 2 of 6 paired runs.
/// </para>
/// </summary>
[Collection(AloneCollection.Name)]
public class ScalarLifetimeTests
{
    [Fact]
    public async Task Packed_runs_survive_constant_garbage_collection()
    {
        Assert.True(ScalarLifetime.Installed || Environment.GetEnvironmentVariable("SCALELAB_SCALAR_SHIM") == "off", "libscalelab_scalars.so was not built or not loaded (a C compiler is needed at build time)");
        var config = new RunConfig
        {
            Task = "hmm", HmmStates = 16, HmmVocab = 32, Mixer = "gla", DModel = 32, NLayers = 2, NHeads = 2, SeqLen = 32,
            BatchSize = 8, Tokens = 300 * 8 * 32, LearningRate = 3e-3, WarmupSteps = 10, EvalInterval = 1_000_000,
            EvalBatches = 1, FinalEvalTokens = 256, LogInterval = 50, CheckpointInterval = 0, Seed = 1,
        };
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        try
        {
            var runs = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
                new Trainer(config, new HiddenMarkovTask(config), CPU).Train(new RecordingObserver(), CancellationToken.None),
                TaskCreationOptions.LongRunning)).ToArray();
            var outcomes = await Task.WhenAll(runs);
            Assert.All(outcomes, o => Assert.True(double.IsFinite(o.FinalLoss) && o.FinalLoss < Math.Log(32), $"final loss {o.FinalLoss}"));
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
