using Azure.Storage.Blobs;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>Checkpoints in blob storage (Azurite locally, an Azure Storage account by configuration): container "checkpoints", blob runs/{runId}/{name}.</summary>
public sealed class CheckpointStore(BlobServiceClient blobs)
{
    public const string Container = "checkpoints";

    public async Task<(Uri Uri, long Bytes)> UploadAsync(Guid runId, string name, Stream content, CancellationToken ct)
    {
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var blob = container.GetBlobClient($"runs/{runId}/{name}");
        var length = content.Length;
        // Overwrite: a re-run attempt replaces its predecessor's file with the same name.
        await blob.UploadAsync(content, overwrite: true, ct);
        return (blob.Uri, length);
    }

    public async Task<Stream> OpenAsync(Guid runId, string name, CancellationToken ct)
    {
        var blob = blobs.GetBlobContainerClient(Container).GetBlobClient($"runs/{runId}/{name}");
        var copy = new MemoryStream();
        await blob.DownloadToAsync(copy, ct);
        copy.Position = 0;
        return copy;
    }
}
