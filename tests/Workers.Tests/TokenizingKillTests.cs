using System.Diagnostics;
using ScaleLab.Datasets;
using ScaleLab.Workers.Datasets;

namespace ScaleLab.Workers.Tests;

/// <summary>A real worker process killed while tokenizing: nothing half-written is ever visible, and the next build completes.</summary>
[Collection(AloneCollection.Name)]
public sealed class TokenizingKillTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scalelab-kill-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_worker_killed_while_tokenizing_leaves_no_data_set_and_the_next_build_matches_an_uninterrupted_one()
    {
        var source = Path.Combine(_root, "text");
        Directory.CreateDirectory(source);
        // ~13 MB of made-up words (BPE's cache rarely hits): seconds of tokenizing, time to kill it mid-way.
        var random = new Random(1);
        string Word() => new(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray());
        for (var file = 0; file < 12; file++)
            await File.WriteAllTextAsync(Path.Combine(source, $"{file:D2}.txt"), string.Join(' ', Enumerable.Range(0, 170_000).Select(_ => Word())));
        var cache = Path.Combine(_root, "cache");
        var datasets = Path.Combine(cache, "datasets");

        var worker = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ScaleLab.Workers.dll"), "tokenize", "--source", source, "--tokenizers", "gpt2" })
            worker.ArgumentList.Add(arg);
        worker.Environment["Training__CacheDirectory"] = cache;
        using (var process = Process.Start(worker)!)
        {
            // Killed once its first shard holds over 256 KiB, i.e. well inside the build.
            var deadline = Stopwatch.StartNew();
            while (!ShardsInStaging(datasets).Any(f => f.Length > 256 << 10))
            {
                if (process.HasExited)
                    Assert.Fail($"the tokenizer exited ({process.ExitCode}) before it could be killed: {await process.StandardOutput.ReadToEndAsync()} {await process.StandardError.ReadToEndAsync()}");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(2), "no shard appeared");
                await Task.Delay(20);
            }
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.Empty(Directory.EnumerateFiles(datasets, DatasetManifest.FileName, SearchOption.AllDirectories));   // nothing visible

        var spec = new DatasetSpec { Source = source, Tokenizer = "gpt2" };
        var (folder, manifest) = DatasetBuilder.Ensure(spec, cache);
        var (_, fresh) = DatasetBuilder.Ensure(spec, Path.Combine(_root, "fresh-cache"));
        Assert.Equal((fresh.ContentHash, fresh.Documents, fresh.Tokens, fresh.TrainTokens, fresh.ValidationBytes),
            (manifest.ContentHash, manifest.Documents, manifest.Tokens, manifest.TrainTokens, manifest.ValidationBytes));
        Assert.Equal(fresh.Shards, manifest.Shards);
        Assert.False(Directory.Exists(folder + ".partial"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root, "fresh-cache", "datasets", Path.GetFileName(folder), "shard-00000.bin")),
            File.ReadAllBytes(Path.Combine(folder, "shard-00000.bin")));
    }

    private static IEnumerable<FileInfo> ShardsInStaging(string datasets) =>
        Directory.Exists(datasets)
            ? Directory.EnumerateDirectories(datasets, "*.partial").SelectMany(d => new DirectoryInfo(d).EnumerateFiles("*.bin"))
            : [];
}
