using System.CommandLine;
using System.Text.Json.Nodes;
using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Slots;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;
using System.Runtime.InteropServices;

namespace ScaleLab.Workers.Standalone;

/// <summary>
/// `bench-mixers`: training throughput of each mixer against sequence length at a fixed width and a fixed number of
/// tokens per step, through the real trainer (forward, backward, AdamW). One JSON line per (mixer, T); a failure
/// (out of memory, say) is reported on its line and the sweep goes on.
/// </summary>
public static class MixerBenchCommand
{
    public static Command Create()
    {
        var mixers = new Option<string>("--mixers") { DefaultValueFactory = _ => "softmax,sliding-window,linear,gla,mamba" };
        var lengths = new Option<string>("--seq-lens") { DefaultValueFactory = _ => "256,512,1024,2048,4096,8192" };
        var width = new Option<int>("--d-model") { DefaultValueFactory = _ => 512 };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => 4 };
        var heads = new Option<int>("--heads") { DefaultValueFactory = _ => 8 };
        var tokensPerStep = new Option<int>("--tokens-per-step") { DefaultValueFactory = _ => 32_768 };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 15 };
        var command = new Command("bench-mixers", "Throughput of each mixer against sequence length") { mixers, lengths, width, layers, heads, tokensPerStep, steps };
        command.SetAction(parse =>
        {
            var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            TorchRuntime.Initialize(settings);
            var device = DeviceSlot.Discover(1)[0];
            foreach (var mixer in parse.GetValue(mixers)!.Split(','))
                foreach (var t in parse.GetValue(lengths)!.Split(',').Select(int.Parse))
                {
                    var batch = Math.Max(1, parse.GetValue(tokensPerStep) / t);
                    var config = new RunConfig
                    {
                        Mixer = mixer, DModel = parse.GetValue(width), NLayers = parse.GetValue(layers), NHeads = parse.GetValue(heads),
                        SeqLen = t, BatchSize = batch, Tokens = (long)batch * t * parse.GetValue(steps), Window = 256,
                        WarmupSteps = 1, LogInterval = 5, EvalInterval = 1_000_000, EvalBatches = 1, CheckpointInterval = 0,
                    };
                    Console.WriteLine(Measure(config, device).ToJsonString());
                }
            return 0;
        });
        return command;
    }

    private static JsonObject Measure(RunConfig config, DeviceSlot device)
    {
        var row = new JsonObject { ["mixer"] = config.Mixer, ["seq_len"] = config.SeqLen, ["batch"] = config.BatchSize, ["device"] = device.Name };
        try
        {
            var precision = MixedPrecision.Resolve(config.Precision, device.Device);
            var task = new RandomTokensTask(config.VocabSize, config.BatchSize, config.SeqLen, config.Seed);
            var observer = new ThroughputObserver();
            new Trainer(config, task, device.Device, device.PeakFlops(precision)).Train(observer, CancellationToken.None);
            // The first interval holds warm-up (allocator growth, kernel selection); the last ones are steady state.
            var steady = observer.TokensPerSecond.Skip(1).ToList();
            var tokensPerSecond = steady.Count > 0 ? steady.Max() : observer.TokensPerSecond.LastOrDefault();
            row["precision"] = precision;
            row["tokens_per_s"] = Math.Round(tokensPerSecond);
            row["model_tflops"] = Math.Round(tokensPerSecond * TransformerShape.TrainingFlopsPerToken(config) / 1e12, 2);
            row["non_embedding_params"] = TransformerShape.NonEmbeddingParameters(config);
        }
        catch (Exception ex) when (ex is ExternalException or InvalidOperationException or OutOfMemoryException)
        {
            row["error"] = ex.Message.Split('\n')[0];
        }
        return row;
    }

    private sealed class ThroughputObserver : ITrainingObserver
    {
        public List<double> TokensPerSecond { get; } = [];

        public void OnMetrics(IReadOnlyList<MetricSample> samples) =>
            TokensPerSecond.AddRange(samples.Where(s => s.Name == "tokens_per_s").Select(s => s.Value));

        public void OnProgress(RunProgress progress) { }

        public void OnCheckpoint(CheckpointArchive.Manifest manifest, Action<Stream> write) { }

        public void OnBranchPoint(CheckpointArchive.Manifest manifest, Action<Stream> write) { }
    }
}
