using System.Text;
using Microsoft.ML.Tokenizers;
using ScaleLab.Datasets;
using ScaleLab.Runs;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Datasets;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

public sealed class DatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scalelab-dataset-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Cache => Path.Combine(_root, "cache");

    private string Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    private string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_root, "data", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Prose(int paragraphs, int seed) => string.Join("\n\n", Enumerable.Range(0, paragraphs).Select(i =>
        $"Paragraph {i + seed}: the quick brown fox jumps over the lazy dog, naïvely — {i * seed % 97} times; ünïcödé ok."));

    [Theory]
    [InlineData("gpt2", "r50k_base")]
    [InlineData("cl100k", "cl100k_base")]
    [InlineData("o200k", "o200k_base")]
    public void Text_files_read_back_from_mapped_shards_exactly_as_the_tokenizer_wrote_them(string name, string encoding)
    {
        Write("b/two.txt", Prose(30, 2));
        Write("a/one.txt", Prose(40, 1));
        Write("ignored.md", "not a text file of the data set");
        var spec = new DatasetSpec { Source = Path.Combine(_root, "data"), Format = "text", Tokenizer = name, ValidationFraction = 0.1 };

        var (folder, manifest) = DatasetBuilder.Ensure(spec, Cache);
        var corpus = DatasetCorpus.Open(folder, manifest);

        var tiktoken = TiktokenTokenizer.CreateForEncoding(encoding);
        var eot = tiktoken.SpecialTokens!["<|endoftext|>"];
        int[] expected = [.. tiktoken.EncodeToIds(Prose(40, 1)), eot, .. tiktoken.EncodeToIds(Prose(30, 2))];   // a/ before b/
        Assert.Equal(expected, corpus.Train.ReadAll().Concat(corpus.Validation.ReadAll()).ToArray());
        Assert.Equal((2, 2, expected.Length), (manifest.Files, (int)manifest.Documents, (int)manifest.Tokens));
        Assert.Equal(expected.Length - (int)Math.Round(expected.Length * 0.1), (int)manifest.TrainTokens);
        Assert.Equal(DatasetTokenizers.VocabSize(name), corpus.VocabSize);
        Assert.Equal(manifest.ContentHash, corpus.ContentHash);
        // Bits per byte need the validation split's bytes: here it falls inside the last document, in proportion.
        var lastBytes = Encoding.UTF8.GetByteCount(Prose(30, 2));
        Assert.InRange(manifest.ValidationBytes, 1, lastBytes);
    }

    [Fact]
    public void Jsonl_reads_the_named_field_and_counts_lines_without_it_refusing_too_many()
    {
        var lines = Enumerable.Range(0, 300).Select(i => i == 150 ? """{"other": 1}""" : $$"""{"body": "document {{i}} says hello", "id": {{i}}}""");
        var path = Write("docs.jsonl", string.Join("\n", lines) + "\n");
        var spec = new DatasetSpec { Source = path, Format = "jsonl", TextField = "body", Tokenizer = "bytes" };

        var (_, manifest) = DatasetBuilder.Ensure(spec, Cache);
        Assert.Equal((299L, 1L), (manifest.Documents, manifest.SkippedLines));
        Assert.Equal(Enumerable.Range(0, 300).Where(i => i != 150).Sum(i => $"document {i} says hello".Length), manifest.Tokens);

        var wrongField = Assert.Throws<DatasetException>(() => DatasetBuilder.Ensure(spec with { TextField = "text" }, Cache));
        Assert.Equal("dataset.textField", wrongField.Field);
        Assert.Contains("300 of 300 lines have no string field 'text'", wrongField.Message);

        var broken = Write("broken.jsonl", "{\"body\": \"fine\"}\n{\"body\": unquoted}\n");
        Assert.Contains("line 2 is not valid JSON", Assert.Throws<DatasetException>(() => DatasetBuilder.Ensure(spec with { Source = broken }, Cache)).Message);
    }

    [Fact]
    public void Bin_shards_with_llm_c_headers_and_raw_nanogpt_shards_read_back_token_for_token()
    {
        var tokens = Enumerable.Range(0, 5000).Select(i => (ushort)(i * 37 % 50_257)).ToArray();
        var raw = tokens.SelectMany(BitConverter.GetBytes).ToArray();
        var headed = Write("llmc/train_000.bin", [.. TokenShardHeader.Write(tokens.Length, 2), .. raw]);
        var nanogpt = Write("nanogpt/train.bin", raw);

        foreach (var source in new[] { headed, nanogpt })
        {
            var (folder, manifest) = DatasetBuilder.Ensure(new DatasetSpec { Source = source, Format = "bin", Tokenizer = "gpt2" }, Cache);
            var corpus = DatasetCorpus.Open(folder, manifest);
            Assert.Equal(tokens.Select(t => (int)t).ToArray(), corpus.Train.ReadAll().Concat(corpus.Validation.ReadAll()).ToArray());
        }
    }

    [Fact]
    public void Bad_files_are_refused_naming_what_is_wrong()
    {
        DatasetException Refused(DatasetSpec spec) => Assert.Throws<DatasetException>(() => DatasetBuilder.Ensure(spec, Cache));
        var bin = new DatasetSpec { Format = "bin", Tokenizer = "gpt2" };

        Assert.Contains("does not exist", Refused(bin with { Source = Path.Combine(_root, "nowhere") }).Message);
        Assert.Contains("is empty", Refused(bin with { Source = Write("empty.bin", []) }).Message);
        Assert.Contains("not a whole number of 2-byte tokens", Refused(bin with { Source = Write("odd.bin", [1, 2, 3]) }).Message);
        var header = TokenShardHeader.Write(10, 2);
        Assert.Contains("declares 10 tokens", Refused(bin with { Source = Write("short.bin", [.. header, .. new byte[8]]) }).Message);
        var outside = BitConverter.GetBytes((ushort)60_000);
        Assert.Contains("id 60000, outside gpt2's vocabulary of 50,257", Refused(bin with { Source = Write("outside.bin", [.. outside, .. outside]) }).Message);
        var latin1 = Refused(new DatasetSpec { Source = Write("latin1.txt", [(byte)'c', (byte)'a', (byte)'f', 0xE9]), Format = "text" });
        Assert.Contains("is not UTF-8 (invalid byte at offset 3)", latin1.Message);
        Write("shards/a.bin", [1, 0]);
        Assert.Contains("holds no .jsonl files", Refused(new DatasetSpec { Source = Path.Combine(_root, "data", "shards"), Format = "jsonl" }).Message);
        Assert.False(Directory.Exists(Path.Combine(Cache, "datasets")) && Directory.EnumerateDirectories(Path.Combine(Cache, "datasets")).Any(),
            "a refused data set leaves nothing half-registered");
    }

    [Fact]
    public void A_data_set_is_tokenized_once_and_a_killed_builds_leftovers_are_replaced()
    {
        var spec = new DatasetSpec { Source = Write("one.txt", Prose(50, 3)), Format = "text", Tokenizer = "gpt2" };
        var (folder, first) = DatasetBuilder.Ensure(spec, Cache);
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, DatasetManifest.FileName));
        var (again, second) = DatasetBuilder.Ensure(spec, Cache);
        Assert.Equal((folder, first.Tokens), (again, second.Tokens));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(again, DatasetManifest.FileName)));

        // A build killed mid-way leaves only its private staging folder, with a half-written shard in it.
        var other = spec with { Tokenizer = "cl100k" };
        var staging = Path.Combine(Cache, "datasets", $"{first.ContentHash[..16]}-cl100k-val0.01-v1.partial");
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "shard-00000.bin"), new byte[777]);
        var (rebuilt, manifest) = DatasetBuilder.Ensure(other, Cache);
        Assert.False(Directory.Exists(staging));
        Assert.Equal(TiktokenTokenizer.CreateForEncoding("cl100k_base").EncodeToIds(Prose(50, 3)).Count, manifest.Tokens);
        Assert.Equal(["manifest.json", "shard-00000.bin"], Directory.EnumerateFiles(rebuilt).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_data_set_too_small_for_the_context_fails_the_run_at_its_start_saying_what_it_needs()
    {
        var (folder, manifest) = DatasetBuilder.Ensure(new DatasetSpec { Source = Write("small.txt", Prose(20, 1)), Tokenizer = "bytes", ValidationFraction = 0.1 }, Cache);
        var corpus = DatasetCorpus.Open(folder, manifest);   // ~2k tokens, 10% held out: ~200
        var shortSplit = Assert.Throws<DatasetException>(() => new LanguageModelingTask(corpus, 8, 512, 1, 2, 0));
        Assert.Equal("dataset.validationFraction", shortSplit.Field);
        Assert.Contains("a window of seqLen = 512 needs 514", shortSplit.Message);
        Assert.NotNull(new LanguageModelingTask(corpus, 8, 64, 1, 2, 0).Train(0, CPU).Input);
    }

    private RunConfig Run(DatasetSpec spec) => new()
    {
        Dataset = spec, DModel = 32, NLayers = 1, NHeads = 2, SeqLen = 16, BatchSize = 8, Tokens = 8 * 16 * 60,
        LearningRate = 3e-3, WarmupSteps = 5, EvalInterval = 30, EvalBatches = 2, LogInterval = 10, CheckpointInterval = 20,
        FinalEvalTokens = 0, Seed = 5,
    };

    [Fact]
    public void Training_on_a_file_data_set_resumes_bitwise_and_counts_its_epochs_exactly()
    {
        var spec = new DatasetSpec { Source = Write("corpus.txt", Prose(30, 4)), Format = "text", Tokenizer = "bytes", ValidationFraction = 0.2 };
        var config = Run(spec);
        var (folder, manifest) = DatasetBuilder.Ensure(spec, Cache);
        Trainer NewTrainer() => new(config, new LanguageModelingTask(DatasetCorpus.Open(folder, manifest), config.BatchSize, config.SeqLen, config.Seed, config.EvalBatches, config.FinalEvalTokens), CPU);

        var whole = new RecordingObserver();
        NewTrainer().Train(whole, CancellationToken.None);
        var resumed = new RecordingObserver();
        NewTrainer().Train(resumed, CancellationToken.None, new MemoryStream(whole.Checkpoints[20]));
        Assert.NotEmpty(whole.Losses(20));
        Assert.Equal(whole.Losses(20), resumed.Losses(20));

        // 60 steps of 8 sequences over the training split's windows of 17 tokens, cut every 16.
        var windows = (manifest.TrainTokens - 16) / 16;
        Assert.True(60 * 8 > windows, "the run must pass through the data more than once for the count to mean something");
        Assert.Equal(60.0 * 8 / windows, whole.Samples.Last(s => s.Name == "epochs").Value, 12);
    }
}
