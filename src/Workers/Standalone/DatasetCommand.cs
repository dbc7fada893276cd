using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ScaleLab.Datasets;
using ScaleLab.Validation;
using ScaleLab.Workers.Corpus.Debian;
using ScaleLab.Workers.Datasets;

namespace ScaleLab.Workers.Standalone;

/// <summary>
/// `tokenize`: tokenizes a data set (or, with no --source, the default corpus assembled from Debian's packages) into
/// the worker's cache, as a run would, and prints its size in tokens per tokenizer with the throughput. The cache
/// folder is Training:CacheDirectory (env Training__CacheDirectory).
/// </summary>
public static class DatasetCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source") { Description = "a file or folder (default: the default corpus)" };
        var format = new Option<string>("--format") { Description = "text, jsonl or bin", DefaultValueFactory = _ => DatasetFormats.Text };
        var field = new Option<string>("--text-field") { Description = "for jsonl: the field holding the text", DefaultValueFactory = _ => "text" };
        var tokenizers = new Option<string>("--tokenizers") { Description = "comma-separated: bytes, gpt2, cl100k, o200k", DefaultValueFactory = _ => "gpt2" };
        var command = new Command("tokenize", "Tokenize a data set into the cache and print its statistics") { source, format, field, tokenizers };
        command.SetAction(parse =>
        {
            var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var cache = Corpus.CorpusProvider.CacheDirectoryOf(settings);
            var clock = Stopwatch.StartNew();
            var folder = parse.GetValue(source) ?? DebianCorpus.Ensure(cache);
            if (parse.GetValue(source) is null)
                Console.WriteLine(new JsonObject { ["corpus"] = folder, ["assembled_s"] = Math.Round(clock.Elapsed.TotalSeconds, 1) }.ToJsonString());
            foreach (var tokenizer in parse.GetValue(tokenizers)!.Split(',', StringSplitOptions.TrimEntries))
            {
                var spec = new DatasetSpec { Source = folder, Format = parse.GetValue(format)!, TextField = parse.GetValue(field)!, Tokenizer = tokenizer };
                var errors = new ValidationErrors();
                DatasetSpecValidator.Validate(spec, errors, "");
                if (!errors.IsEmpty)
                {
                    foreach (var (name, messages) in errors.ToDictionary()) Console.Error.WriteLine($"{name}: {string.Join("; ", messages)}");
                    return 2;
                }
                clock.Restart();
                try
                {
                    var (built, m) = DatasetBuilder.Ensure(spec, cache);
                    var seconds = clock.Elapsed.TotalSeconds;
                    Console.WriteLine(new JsonObject
                    {
                        ["tokenizer"] = m.Tokenizer, ["folder"] = built, ["content_sha256"] = m.ContentHash, ["files"] = m.Files, ["documents"] = m.Documents,
                        ["bytes"] = m.Bytes, ["tokens"] = m.Tokens, ["train_tokens"] = m.TrainTokens, ["validation_tokens"] = m.ValidationTokens,
                        ["bytes_per_token"] = Math.Round((double)m.Bytes / m.Tokens, 3), ["skipped_lines"] = m.SkippedLines,
                        ["seconds"] = Math.Round(seconds, 1), ["mb_per_s"] = Math.Round(m.Bytes / 1e6 / seconds, 2),
                    }.ToJsonString());
                }
                catch (DatasetException ex)
                {
                    Console.Error.WriteLine($"{ex.Field}: {ex.Message}");
                    return 2;
                }
            }
            return 0;
        });
        return command;
    }
}
