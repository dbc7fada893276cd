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

    /// <summary>The named checkpoint of a run, or null when there is none.</summary>
    public async Task<Stream?> TryOpenAsync(Guid runId, string name, CancellationToken ct)
    {
        var blob = blobs.GetBlobContainerClient(Container).GetBlobClient($"runs/{runId}/{name}");
        try
        {
            var copy = new MemoryStream();
            await blob.DownloadToAsync(copy, ct);
            copy.Position = 0;
            return copy;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
