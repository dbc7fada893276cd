using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ScaleLab.Datasets;
using ScaleLab.Workers.Corpus.Debian;
using ScaleLab.Workers.Datasets;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Standalone;

/// <summary>
/// `bench-loader`: how fast the data path makes training batches on one core, through the task a run uses (window
/// order, memory-mapped shards, the (B, T) input and target tensors on the CPU), against how many a GPU consumes.
/// Reads the default corpus (or --source) tokenized with --tokenizer; prints one JSON line per shape.
/// </summary>
public static class LoaderBenchCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source") { Description = "a text data set (default: the default corpus)" };
        var tokenizer = new Option<string>("--tokenizer") { DefaultValueFactory = _ => DatasetTokenizers.Gpt2 };
        var shapes = new Option<string>("--shapes") { Description = "batch x seqLen, comma-separated", DefaultValueFactory = _ => "16x1024,64x512" };
        var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 2 };
        var command = new Command("bench-loader", "Training batches per second from the data path, per shape") { source, tokenizer, shapes, seconds };
        command.SetAction(parse =>
        {
            var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            TorchRuntime.Initialize(settings);
            var cache = Corpus.CorpusProvider.CacheDirectoryOf(settings);
            var spec = new DatasetSpec { Source = parse.GetValue(source) ?? DebianCorpus.Ensure(cache), Tokenizer = parse.GetValue(tokenizer)! };
            var (folder, manifest) = DatasetBuilder.Ensure(spec, cache);
            var corpus = DatasetCorpus.Open(folder, manifest);
            foreach (var shape in parse.GetValue(shapes)!.Split(','))
            {
                var parts = shape.Split('x');
                var (batch, seqLen) = (int.Parse(parts[0]), int.Parse(parts[1]));
                var task = new LanguageModelingTask(corpus, batch, seqLen, seed: 1, evalBatches: 1, finalEvalTokens: 0);
                var steps = 0;
                for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 1;)      // page the shards in, JIT the path
                {
                    using var scope = NewDisposeScope();
                    task.Train(steps++, CPU);
                }
                // Three timed windows: the slowest is the figure to plan with (GC and the page cache make them vary).
                var rates = new List<double>();
                for (var round = 0; round < 3; round++)
                {
                    var (clock, first) = (Stopwatch.StartNew(), steps);
                    while (clock.Elapsed.TotalSeconds < parse.GetValue(seconds))
                    {
                        using var scope = NewDisposeScope();
                        task.Train(steps++, CPU);
                    }
                    rates.Add((steps - first) / clock.Elapsed.TotalSeconds);
                }
                var perSecond = rates.Min();
                Console.WriteLine(new JsonObject
                {
                    ["tokenizer"] = manifest.Tokenizer, ["train_tokens"] = manifest.TrainTokens, ["batch"] = batch, ["seq_len"] = seqLen,
                    ["batches_per_s"] = Math.Round(perSecond, 1), ["tokens_per_s"] = Math.Round(perSecond * batch * seqLen),
                    ["batches_per_s_median"] = Math.Round(rates.Order().ElementAt(1), 1),
                    ["epochs_read"] = Math.Round(task.EpochsAfter(steps) ?? 0, 4),
                }.ToJsonString());
            }
            return 0;
        });
        return command;
    }
}
