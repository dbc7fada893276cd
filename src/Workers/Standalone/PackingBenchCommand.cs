using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Slots;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Packing;
using ScaleLab.Workers.Training.Tasks;

namespace ScaleLab.Workers.Standalone;

/// <summary>
/// `bench-packing --config F --runs N [--fused]`: what packing N runs onto one device buys. Trains the config once
/// alone, then N copies at once: on N threads (as N slots of one GPU do in a worker, each on its own stream), or with
/// --fused as one <see cref="PackedDecoderLM"/> whose every matmul is batched over the N copies. Prints the
/// aggregate tokens/s of each, their ratio, and how far each copy's loss curve is from the run alone (same seed, same data).
/// The ratio counts wall-clock time from start to the last run's end, start-up and capture included (what a study
/// pays); the steady rates beside it count only the logged steps after the first tenth, and the start-up is the time
/// to the first logged step, to show where the rest goes.
/// </summary>
public static class PackingBenchCommand
{
    public static Command Create()
    {
        var configPath = new Option<FileInfo>("--config") { Required = true, Description = "a run config (JSON)" };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 8 };
        var fused = new Option<bool>("--fused") { Description = "train the copies as one packed model (horizontal fusion) instead of on N threads" };
        var command = new Command("bench-packing", "Aggregate throughput of N copies of a run trained at once on one device, against one alone") { configPath, runs, fused };
        command.SetAction(parse =>
        {
            var config = System.Text.Json.JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(parse.GetValue(configPath)!.FullName), SpecJson.Options)!;
            var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            TorchRuntime.Initialize(settings);
            var device = DeviceSlot.Discover(1)[0];
            var corpus = new CorpusProvider(settings);
            TrainingTasks.Create(config, corpus);   // tokenize the data before the clock starts

            var (aloneSeconds, alone, aloneEngine) = Measure(config, device, corpus, 1);
            var n = parse.GetValue(runs);
            var (packedSeconds, packed, packedEngine) = parse.GetValue(fused) ? MeasureFused(config, device, corpus, n) : Measure(config, device, corpus, n);
            var tokens = (double)config.Steps * config.TokensPerStep;
            var largest = packed.Losses.Max(curve => curve.Where(kv => alone.Losses[0].ContainsKey(kv.Key)).Max(kv => Math.Abs(kv.Value - alone.Losses[0][kv.Key])));
            Console.WriteLine(new JsonObject
            {
                ["summary"] = true, ["device"] = device.Name, ["runs"] = n, ["packing"] = parse.GetValue(fused) ? "fused" : "threads", ["tokens_per_run"] = tokens,
                ["alone_tokens_per_s"] = Math.Round(tokens / aloneSeconds), ["packed_tokens_per_s"] = Math.Round(n * tokens / packedSeconds),
                ["speedup"] = Math.Round(n * aloneSeconds / packedSeconds, 2),
                ["final_loss_alone"] = alone.Losses[0].MaxBy(kv => kv.Key).Value,
                ["final_losses_packed"] = new JsonArray([.. packed.Losses.Select(c => (JsonNode)c.MaxBy(kv => kv.Key).Value)]),
                ["largest_loss_difference"] = largest,
                ["alone_steady_tokens_per_s"] = Math.Round(alone.Steady(config)), ["packed_steady_tokens_per_s"] = Math.Round(packed.Steady(config)),
                ["alone_startup_s"] = Math.Round(alone.Startup(), 2), ["packed_startup_s"] = Math.Round(packed.Startup(), 2),
                ["alone_engine"] = aloneEngine, ["packed_engine"] = packedEngine,
            }.ToJsonString());
            return 0;
        });
        return command;
    }

    /// <summary>Wall seconds for <paramref name="copies"/> runs trained at once, what each one logged, and how the first one ran.</summary>
    private static (double Seconds, Copies Copies, string Engine) Measure(RunConfig config, DeviceSlot device, CorpusProvider corpus, int copies)
    {
        var clock = Stopwatch.StartNew();
        var observers = Enumerable.Range(0, copies).Select(_ => new LossObserver(clock)).ToList();
        var trainers = observers.Select(_ => new Trainer(config, TrainingTasks.Create(config, corpus), device.Device)).ToList();
        var threads = trainers.Zip(observers).Select(t => new Thread(() => t.First.Train(t.Second, CancellationToken.None))).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return (clock.Elapsed.TotalSeconds, new Copies(observers), trainers[0].Engine);
    }

    /// <summary>Wall seconds for <paramref name="copies"/> runs trained as one packed model, and what each one logged.</summary>
    private static (double Seconds, Copies Copies, string Engine) MeasureFused(RunConfig config, DeviceSlot device, CorpusProvider corpus, int copies)
    {
        var clock = Stopwatch.StartNew();
        var observers = Enumerable.Range(0, copies).Select(_ => new LossObserver(clock)).ToList();
        var trainer = new PackedTrainer([.. Enumerable.Repeat(config, copies)], [.. observers.Select(_ => TrainingTasks.Create(config, corpus))], device.Device);
        trainer.Train(observers, CancellationToken.None);
        return (clock.Elapsed.TotalSeconds, new Copies(observers), trainer.Engine);
    }

    private sealed class Copies(List<LossObserver> observers)
    {
        public List<Dictionary<int, double>> Losses => [.. observers.Select(o => o.Losses)];

        /// <summary>Seconds from the start to the first logged step, the slowest copy's.</summary>
        public double Startup() => observers.Max(o => o.Seconds.Values.Min());

        /// <summary>Tokens/s over all copies, each counted from its first logged step past a tenth of the run to its last.</summary>
        public double Steady(RunConfig config) => observers.Sum(o =>
        {
            var from = o.Seconds.Keys.Where(step => step >= config.Steps / 10).Min();
            var to = o.Seconds.Keys.Max();
            return (to - from) * (double)config.TokensPerStep / (o.Seconds[to] - o.Seconds[from]);
        });
    }

    private sealed class LossObserver(Stopwatch clock) : ITrainingObserver
    {
        public Dictionary<int, double> Losses { get; } = [];

        /// <summary>When each logged step arrived, in seconds since the measurement began.</summary>
        public Dictionary<int, double> Seconds { get; } = [];

        public void OnMetrics(IReadOnlyList<MetricSample> samples)
        {
            foreach (var s in samples.Where(s => s.Name == MetricNames.Loss)) (Losses[s.Step], Seconds[s.Step]) = (s.Value, clock.Elapsed.TotalSeconds);
        }

        public void OnProgress(RunProgress progress) { }

        public void OnCheckpoint(CheckpointArchive.Manifest manifest, Action<Stream> write) => write(Stream.Null);

        public void OnBranchPoint(CheckpointArchive.Manifest manifest, Action<Stream> write) => write(Stream.Null);
    }
}
