using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScaleLab.Datasets;

namespace ScaleLab.IntegrationTests;

/// <summary>A Worker silo killed with SIGKILL while it tokenizes a registered data set.</summary>
[Collection(TwoWorkerClusterCollection.Name)]
public sealed class DatasetKillTests(TwoWorkerClusterFixture cluster) : IDisposable
{
    private readonly string _folder = DatasetTestData.NewFolder(cluster.Root);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_worker_killed_while_tokenizing_loses_its_lease_and_another_attempt_finishes_with_nothing_half_written()
    {
        // ~30 MB of made-up words in 28 files: several seconds of BPE, so the kill lands inside the build. New words
        // each run: the same content would be found already tokenized in the workers' cache from an earlier run.
        var seed = Random.Shared.Next();
        await Task.WhenAll(Enumerable.Range(0, 28).Select(i => File.WriteAllTextAsync(Path.Combine(_folder, $"{i:D2}.txt"), DatasetTestData.Words(seed + i, 200_000))));
        var name = "it-kill-" + Guid.NewGuid().ToString("N")[..8];
        using (var created = await DatasetTestData.RegisterAsync(cluster, new { name, source = _folder, tokenizers = new[] { "gpt2" } }))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        JsonElement job = default;
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            job = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/datasets/{name}")).GetProperty("tokenizations")[0];
            return job.GetProperty("status").GetString() == "Running";
        }, TimeSpan.FromMinutes(1), "a worker to claim the job");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var worker = job.GetProperty("worker").GetString()!;
        var port = int.Parse(worker.Split('@')[0].Split(':')[1]);
        cluster.Workers[port].Kill(entireProcessTree: true);   // SIGKILL, mid-build
        await cluster.Workers[port].WaitForExitAsync();
        var killedAt = DateTime.UtcNow;
        Assert.Equal("Running", DatasetTestData.Tokenization(await cluster.Api.GetFromJsonAsync<JsonElement>($"api/datasets/{name}"), "gpt2").GetProperty("status").GetString());
        // Another silo takes the job when the lease runs out; with no other silo alive (a test before this one killed it), the killed one comes back.
        if (!cluster.Workers.Any(w => w.Key != port && !w.Value.HasExited)) cluster.StartWorker(port);

        var view = await DatasetTestData.WaitSettledAsync(cluster, name, TimeSpan.FromMinutes(4));
        var done = DatasetTestData.Tokenization(view, "gpt2");
        Assert.True(done.GetProperty("status").GetString() == "Succeeded", done.ToString());
        Assert.Equal(2, done.GetProperty("attempt").GetInt32());
        Assert.True((DateTime.UtcNow - killedAt).TotalSeconds < 180);

        // What the store holds is whole: the manifest and exactly the shards it lists, each as long as its header says.
        var prefix = done.GetProperty("shardPrefix").GetString()!;
        var store = cluster.Blobs.GetBlobContainerClient("datasets");
        var manifest = JsonDocument.Parse((await store.GetBlobClient($"{prefix}/manifest.json").DownloadContentAsync()).Value.Content.ToString()).RootElement;
        var shards = manifest.GetProperty("shards").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Equal(shards.Append("manifest.json").Order(StringComparer.Ordinal),
            store.GetBlobs(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix + "/", default).Select(b => b.Name[(prefix.Length + 1)..]).Order(StringComparer.Ordinal));
        long tokens = 0;
        foreach (var shard in shards)
        {
            var head = new byte[TokenShardHeader.Bytes];
            var blob = store.GetBlobClient($"{prefix}/{shard}");
            using (var stream = await blob.OpenReadAsync()) await stream.ReadExactlyAsync(head);
            var length = (await blob.GetPropertiesAsync()).Value.ContentLength;
            var (_, count, error) = TokenShardHeader.Parse(head, length);
            Assert.Null(error);
            tokens += count;
        }
        Assert.Equal(done.GetProperty("tokens").GetInt64(), tokens);
        Assert.Equal(manifest.GetProperty("contentHash").GetString(), view.GetProperty("contentHash").GetString());
        // And no worker's cache keeps a half-built copy.
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(cluster.Root, ".data", "test-corpus", "datasets"), "*.partial"));
    }
}
