using Azure.Storage.Blobs;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// Tokenized data sets in the artifact store: container "datasets", one prefix per built folder (the folder's name:
/// content hash, tokenizer, split, format version). The manifest is written after every shard, so a prefix without
/// one is an unfinished upload and is never read; a download lands whole in the local cache or not at all.
/// </summary>
public sealed class DatasetShardStore(BlobServiceClient blobs)
{
    public const string Container = "datasets";   // one of DatasetSources.InternalContainers

    public async Task UploadAsync(string folder, DatasetManifest manifest, CancellationToken ct)
    {
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var prefix = Path.GetFileName(folder);
        // Overwrite: a second attempt after a kill replaces whatever the first left, and the manifest comes last.
        foreach (var shard in manifest.Shards)
            await container.GetBlobClient($"{prefix}/{shard}").UploadAsync(Path.Combine(folder, shard), overwrite: true, ct);
        await container.GetBlobClient($"{prefix}/{DatasetManifest.FileName}").UploadAsync(Path.Combine(folder, DatasetManifest.FileName), overwrite: true, ct);
    }

    /// <summary>The data set under <paramref name="prefix"/>, downloaded into the cache unless this disk has it already.</summary>
    public (string Folder, DatasetManifest Manifest) Ensure(string prefix, string cacheRoot)
    {
        var folder = Path.Combine(cacheRoot, "datasets", prefix);
        AtomicFolder.Ensure(folder, staging =>
        {
            var container = blobs.GetBlobContainerClient(Container);
            var manifestBlob = container.GetBlobClient($"{prefix}/{DatasetManifest.FileName}");
            if (!manifestBlob.Exists()) throw new DatasetException("dataset.name", $"the artifact store has no finished shards under {Container}/{prefix}");
            manifestBlob.DownloadTo(Path.Combine(staging, DatasetManifest.FileName));
            foreach (var shard in DatasetManifest.Read(staging).Shards)
            {
                // Names come from a file in the store: only the names ShardWriter gives, never a path elsewhere.
                if (!System.Text.RegularExpressions.Regex.IsMatch(shard, @"^shard-\d{5}\.bin$"))
                    throw new DatasetException("dataset.name", $"the manifest under {Container}/{prefix} names a shard '{shard}' that ScaleLab never writes");
                container.GetBlobClient($"{prefix}/{shard}").DownloadTo(Path.Combine(staging, shard));
            }
        });
        return (folder, DatasetManifest.Read(folder));
    }
}
