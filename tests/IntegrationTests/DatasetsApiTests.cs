using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using ScaleLab.Datasets;

namespace ScaleLab.IntegrationTests;

/// <summary>Registered data sets end to end: the API, a real worker tokenizing, shards in Azurite, and runs that train on them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DatasetsApiTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _folder = DatasetTestData.NewFolder(cluster.Root);
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string UniqueName(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task A_registered_text_data_set_is_tokenized_once_into_the_artifact_store_with_exact_statistics()
    {
        var files = Enumerable.Range(0, 3).Select(i => DatasetTestData.Words(i, 3000 + 500 * i)).ToArray();
        for (var i = 0; i < files.Length; i++) await File.WriteAllTextAsync(Path.Combine(_folder, $"{i:D2}.txt"), files[i]);
        var name = UniqueName("it-text");
        var body = new { name, source = _folder, tokenizers = new[] { "bytes", "gpt2" }, validationFraction = 0.05 };

        using (var created = await DatasetTestData.RegisterAsync(cluster, body))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await DatasetTestData.WaitSettledAsync(cluster, name, Settle);

        var bytes = files.Sum(f => (long)Encoding.UTF8.GetByteCount(f));
        Assert.Equal("Ready", view.GetProperty("status").GetString());
        Assert.Equal((3, 3L, bytes), (view.GetProperty("files").GetInt32(), view.GetProperty("documents").GetInt64(), view.GetProperty("bytes").GetInt64()));
        Assert.Matches("^[0-9a-f]{64}$", view.GetProperty("contentHash").GetString());
        var byteJob = DatasetTestData.Tokenization(view, "bytes");
        Assert.Equal(bytes, byteJob.GetProperty("tokens").GetInt64());   // one token per byte, no separators
        var held = (long)Math.Round(bytes * 0.05);
        Assert.Equal((bytes - held, held), (byteJob.GetProperty("trainTokens").GetInt64(), byteJob.GetProperty("validationTokens").GetInt64()));
        Assert.Equal(held, byteJob.GetProperty("validationBytes").GetInt64());
        var gpt2 = DatasetTestData.Tokenization(view, "gpt2");
        // BPE of 2-8 letter made-up words: between 1 and 4 bytes per token, and two separators between three documents.
        Assert.InRange(gpt2.GetProperty("tokens").GetInt64(), bytes / 4, bytes);
        Assert.Equal(1, gpt2.GetProperty("attempt").GetInt32());

        // The bytes shards in the store hold exactly the files' bytes, in order, after llm.c's header.
        var prefix = byteJob.GetProperty("shardPrefix").GetString()!;
        var store = cluster.Blobs.GetBlobContainerClient("datasets");
        var names = store.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix + "/", default).Select(b => b.Name[(prefix.Length + 1)..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["manifest.json", "shard-00000.bin"], names);
        var shard = (await store.GetBlobClient($"{prefix}/shard-00000.bin").DownloadContentAsync()).Value.Content.ToArray();
        var (width, count, error) = TokenShardHeader.Parse(shard.AsSpan(0, TokenShardHeader.Bytes), shard.Length);
        Assert.Null(error);
        Assert.Equal((2, bytes), (width, count));
        var expected = Encoding.UTF8.GetBytes(string.Concat(files));
        var stored = Enumerable.Range(0, (int)count).Select(i => (byte)BitConverter.ToUInt16(shard, TokenShardHeader.Bytes + 2 * i)).ToArray();
        Assert.Equal(expected, stored);

        // The same registration again changes nothing; other data under the name is refused, naming the field.
        using (var again = await DatasetTestData.RegisterAsync(cluster, body))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, DatasetTestData.Tokenization(await cluster.Api.GetFromJsonAsync<JsonElement>($"api/datasets/{name}"), "gpt2").GetProperty("attempt").GetInt32());
        using var other = await DatasetTestData.RegisterAsync(cluster, new { name, source = _folder + "/00.txt", tokenizers = new[] { "bytes" } });
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.True((await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
        // Listed with the others.
        var list = await cluster.Api.GetFromJsonAsync<JsonElement>("api/datasets");
        Assert.Contains(list.EnumerateArray(), d => d.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Every_format_is_read_from_blob_storage()
    {
        var container = cluster.Blobs.GetBlobContainerClient("it-sources-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateAsync();
        var texts = new[] { DatasetTestData.Words(10, 2000), "naïve café – ünïcode ✓ " + DatasetTestData.Words(11, 1500) };
        await Upload(container, "text/a.txt", Encoding.UTF8.GetBytes(texts[0]));
        await Upload(container, "text/sub/b.txt", Encoding.UTF8.GetBytes(texts[1]));
        var lines = Enumerable.Range(0, 40).Select(i => DatasetTestData.Words(100 + i, 80)).ToArray();
        await Upload(container, "jsonl/docs.jsonl", Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(l => JsonSerializer.Serialize(new { id = 1, body = l })))));
        var ids = Enumerable.Range(0, 5000).Select(i => (ushort)(i * 7 % 50_000)).ToArray();
        await Upload(container, "llmc/x.bin", [.. TokenShardHeader.Write(ids.Length, 2), .. ids.SelectMany(BitConverter.GetBytes)]);
        await Upload(container, "raw/y.bin", [.. ids.SelectMany(BitConverter.GetBytes)]);
        var wide = Enumerable.Range(0, 3000).Select(i => (uint)(i * 31 % 200_000)).ToArray();
        await Upload(container, "wide/z.bin", [.. TokenShardHeader.Write(wide.Length, 4), .. wide.SelectMany(BitConverter.GetBytes)]);

        var cases = new (string Prefix, string Format, string? Field, string Tokenizer, long Tokens)[]
        {
            ("text", "text", null, "bytes", texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t))),
            ("jsonl", "jsonl", "body", "bytes", lines.Sum(l => (long)l.Length)),
            ("llmc", "bin", null, "gpt2", ids.Length),
            ("raw", "bin", null, "gpt2", ids.Length),
            ("wide", "bin", null, "o200k", wide.Length),
        };
        var names = new List<string>();
        foreach (var c in cases)
        {
            var name = UniqueName("it-" + c.Prefix);
            names.Add(name);
            using var response = await DatasetTestData.RegisterAsync(cluster, new
            {
                name, source = $"blob://{container.Name}/{c.Prefix}/", format = c.Format, textField = c.Field ?? "text", tokenizers = new[] { c.Tokenizer }, validationFraction = 0.1,
            });
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
        for (var i = 0; i < cases.Length; i++)
        {
            var view = await DatasetTestData.WaitSettledAsync(cluster, names[i], Settle);
            var job = DatasetTestData.Tokenization(view, cases[i].Tokenizer);
            Assert.True(job.GetProperty("status").GetString() == "Succeeded", $"{cases[i].Prefix}: {job}");
            Assert.Equal(cases[i].Tokens, job.GetProperty("tokens").GetInt64());
        }
        Assert.Equal(2, (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/datasets/{names[0]}")).GetProperty("files").GetInt32());
    }

    [Fact]
    public async Task Malformed_registrations_are_refused_at_once_naming_the_field()
    {
        async Task<JsonElement> Refused(object body)
        {
            using var response = await DatasetTestData.RegisterAsync(cluster, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }

        Assert.True((await Refused(new { name = "ok-name", source = "relative/path" })).TryGetProperty("source", out _));
        Assert.True((await Refused(new { name = "Bad Name", source = "/data" })).TryGetProperty("name", out _));
        Assert.True((await Refused(new { name = "ok-name", source = "/data", tokenizers = new[] { "llama" } })).TryGetProperty("tokenizers[0]", out _));
        Assert.True((await Refused(new { name = "ok-name", source = "/data", format = "parquet" })).TryGetProperty("format", out _));
        Assert.True((await Refused(new { name = "ok-name", source = "/data", colour = "red" })).TryGetProperty("colour", out _));
        Assert.True((await Refused(new { name = "ok-name", source = "blob://no-such-container-zz/x" })).TryGetProperty("source", out _));
        Assert.Contains("ScaleLab's own artifacts", (await Refused(new { name = "ok-name", source = "blob://checkpoints/runs" })).GetProperty("source")[0].GetString());
        Assert.True((await Refused(new { name = "ok-name", source = "/data", textField = (string?)null })).TryGetProperty("textField", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync("api/datasets/ok-name")).StatusCode);   // nothing stored
        using var anonymous = await cluster.PostAsync("api/datasets", """{"name":"ok-name","source":"/data"}""", apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Bad_files_fail_their_job_naming_the_field_and_leave_no_shards()
    {
        var cases = new List<(string Name, object Body, string Field, string Message)>();
        void Case(string stem, string file, byte[] content, string field, string message, string format = "text", string tokenizer = "gpt2")
        {
            var folder = Path.Combine(_folder, stem);
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, file), content);
            var name = UniqueName("it-bad-" + stem);
            cases.Add((name, new { name, source = folder, format, tokenizers = new[] { tokenizer } }, field, message));
        }
        Case("empty", "a.txt", [], "dataset.source", "is empty");
        Case("latin1", "a.txt", [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)' ', (byte)'x'], "dataset.source", "not UTF-8");
        Case("header", "a.bin", [.. TokenShardHeader.Write(100, 2), 1, 0, 2, 0], "dataset.source", "tokens", format: "bin");
        Case("odd", "a.bin", [1, 0, 2], "dataset.source", "not a whole number", format: "bin");
        Case("range", "a.bin", [.. BitConverter.GetBytes((ushort)60_000)], "dataset.source", "outside gpt2's vocabulary", format: "bin");
        Case("field", "a.jsonl", Encoding.UTF8.GetBytes("{\"text\":\"one\"}\n{\"other\":\"two\"}\n{\"other\":\"three\"}\n"), "dataset.textField", "no string field", format: "jsonl");
        var missing = UniqueName("it-bad-missing");
        cases.Add((missing, new { name = missing, source = Path.Combine(_folder, "no-such-folder"), tokenizers = new[] { "bytes" } }, "dataset.source", "does not exist"));

        foreach (var c in cases)
            using (var response = await DatasetTestData.RegisterAsync(cluster, c.Body))
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        foreach (var c in cases)
        {
            var view = await DatasetTestData.WaitSettledAsync(cluster, c.Name, Settle);
            var job = view.GetProperty("tokenizations")[0];
            Assert.Equal("Failed", view.GetProperty("status").GetString());
            Assert.Equal(c.Field, job.GetProperty("errorField").GetString());
            Assert.Contains(c.Message, job.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.Null, job.GetProperty("shardPrefix").ValueKind);
            Assert.Equal(JsonValueKind.Null, view.GetProperty("contentHash").ValueKind);
        }

        // Fixed files, registered again under the same name, replace the failed registration.
        var fixedCase = cases[1];
        var folder = Path.Combine(_folder, "latin1-fixed");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "a.txt"), "café " + DatasetTestData.Words(3, 500));
        using (var again = await DatasetTestData.RegisterAsync(cluster, new { name = fixedCase.Name, source = folder, tokenizers = new[] { "gpt2" } }))
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var repaired = await DatasetTestData.WaitSettledAsync(cluster, fixedCase.Name, Settle);
        Assert.Equal("Ready", repaired.GetProperty("status").GetString());
        Assert.Equal(folder, repaired.GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_study_trains_on_a_registered_data_set_and_its_preview_names_the_runs_that_repeat_data()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "small.txt"), DatasetTestData.Words(42, 1600));
        var name = UniqueName("it-train");
        using (var created = await DatasetTestData.RegisterAsync(cluster, new { name, source = _folder, tokenizers = new[] { "bytes" }, validationFraction = 0.1 }))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = DatasetTestData.Tokenization(await DatasetTestData.WaitSettledAsync(cluster, name, Settle), "bytes");
        Assert.Equal("Succeeded", job.GetProperty("status").GetString());
        var trainTokens = job.GetProperty("trainTokens").GetInt64();

        // 150 steps of 8 windows of 32 tokens: more than 4 passes over the ~8k training tokens.
        var spec = """
            {"name":"it-registered-data","base":{"dModel":32,"nLayers":1,"nHeads":2,"seqLen":32,"batchSize":8,"tokens":38400,
             "evalInterval":50,"evalBatches":1,"logInterval":10,"warmupSteps":5,"dataset":{"name":"NAME","tokenizer":"bytes"}}}
            """.Replace("NAME", name);
        using var previewResponse = await cluster.PostAsync("api/sweeps/preview", spec);
        var preview = await previewResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(previewResponse.IsSuccessStatusCode, preview.ToString());
        var windows = (trainTokens - 32) / 32;
        var epochs = 150.0 * 8 / windows;
        Assert.True(epochs > 4, $"the test needs a run past the limit ({epochs:F2} epochs)");
        var warning = Assert.Single(preview.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains($"data set {name} (bytes", warning);
        Assert.Contains($"({epochs:0.#} epochs)", warning);
        Assert.Contains(preview.GetProperty("runs")[0].GetProperty("name").GetString()!, warning);

        using var submitted = await cluster.PostAsync("api/sweeps", spec);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var sweepId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();
        var sweep = await cluster.WaitForSweepAsync(sweepId, TimeSpan.FromMinutes(3));
        var run = sweep.GetProperty("runs")[0];
        Assert.True(sweep.GetProperty("sweep").GetProperty("status").GetString() == "Succeeded", run.ToString());
        var runId = run.GetProperty("id").GetGuid();
        var log = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{runId}/logs")).EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToList();
        var hash = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/datasets/{name}")).GetProperty("contentHash").GetString();
        Assert.Contains(log, m => m.StartsWith($"data: data set {name} (bytes), content sha256 {hash}", StringComparison.Ordinal));
        // The epochs the run reports are the ones the preview predicted, exactly.
        var reported = await cluster.ScalarDoubleAsync($"SELECT value FROM metrics WHERE run_id = '{runId}' AND name = 'epochs' ORDER BY step DESC LIMIT 1");
        Assert.Equal(epochs, reported, 9);

        // A study naming a data set nobody registered is refused before anything is stored.
        using var unknown = await cluster.PostAsync("api/sweeps", spec.Replace(name, "it-never-registered"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("no data set 'it-never-registered'", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("base.dataset.name")[0].GetString());
        // So is a schedule whose studies would name one.
        var schedule = $$"""{"name":"it-schedule-unknown-data","cron":"0 3 * * *","spec":{{spec.Replace(name, "it-never-registered")}}}""";
        using var scheduled = await cluster.PostAsync("api/schedules", schedule);
        Assert.Equal(HttpStatusCode.BadRequest, scheduled.StatusCode);
        Assert.Contains("no data set 'it-never-registered'", (await scheduled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("spec.base.dataset.name")[0].GetString());
    }

    [Fact]
    public async Task The_preview_sizes_runs_on_the_default_corpus_by_what_a_worker_built()
    {
        // A short run on the default corpus makes a worker build it (1 MiB in this cluster) and report its split.
        const string run = """
            {"name":"it-default-corpus","base":{"dModel":32,"nLayers":1,"nHeads":2,"seqLen":64,"batchSize":8,"tokens":5120,
             "evalInterval":10,"evalBatches":1,"logInterval":10,"warmupSteps":2}}
            """;
        using var submitted = await cluster.PostAsync("api/sweeps", run);
        var sweep = await cluster.WaitForSweepAsync((await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid(), TimeSpan.FromMinutes(3));
        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());
        var trainTokens = await cluster.ScalarAsync("SELECT train_tokens FROM default_corpus_splits WHERE tokenizer = 'bytes'");
        // What the worker reported is the split the run trained on, as its log says.
        var runId = sweep.GetProperty("runs")[0].GetProperty("id").GetGuid();
        var log = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/runs/{runId}/logs")).EnumerateArray().Select(l => l.GetProperty("message").GetString()!);
        Assert.Contains(log, m => m.StartsWith("data: ", StringComparison.Ordinal) && m.Contains($"vocabulary 256, {trainTokens:N0} training", StringComparison.Ordinal));

        // 5 epochs' worth of windows in one run, and one run well inside the limit.
        var windows = (trainTokens - 64) / 64;
        var tokens = (windows * 5 / 64 + 1) * 64 * 64;
        var spec = """
            {"name":"it-default-epochs","base":{"dModel":32,"nLayers":1,"nHeads":2,"seqLen":64,"batchSize":64,"warmupSteps":2},
             "axes":{"tokens":[TOKENS, 409600]}}
            """.Replace("TOKENS", tokens.ToString());
        using var response = await cluster.PostAsync("api/sweeps/preview", spec);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, preview.ToString());
        var warning = Assert.Single(preview.GetProperty("warnings").EnumerateArray()).GetString()!;
        var over = preview.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("tokens").GetInt64() == tokens);
        var epochs = (double)over.GetProperty("config").GetProperty("tokens").GetInt64() / (64 * 64) * 64 / windows;
        Assert.StartsWith("1 run(s) would pass over the default corpus (bytes", warning);
        Assert.Contains($"{over.GetProperty("name").GetString()} ({epochs:0.#} epochs)", warning);
    }

    private static async Task Upload(BlobContainerClient container, string name, byte[] content) =>
        await container.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);
}
