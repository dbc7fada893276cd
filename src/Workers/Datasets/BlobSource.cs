using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ScaleLab.Datasets;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// A "blob://container/prefix" source, copied into the worker's cache so it can be read like a local folder. The copy
/// is keyed by the listing (names, sizes, ETags), so changed blobs make a new copy and unchanged ones are not fetched again.
/// </summary>
public static class BlobSource
{
    public static DatasetSpec Localize(DatasetSpec spec, BlobServiceClient? blobs, string cacheRoot)
    {
        if (!DatasetSources.IsBlob(spec.Source)) return spec;
        if (blobs is null) throw new DatasetException("dataset.source", "blob sources need the artifact store (ConnectionStrings:Blobs)");
        var (containerName, prefix) = DatasetSources.SplitBlob(spec.Source);
        var container = blobs.GetBlobContainerClient(containerName);
        if (!container.Exists()) throw new DatasetException("dataset.source", $"container '{containerName}' does not exist");
        var extension = DatasetFormats.Extension(spec.Format);
        var listing = container.GetBlobs(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None)
            .Where(b => b.Name.EndsWith(extension, StringComparison.Ordinal)).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        if (listing.Count == 0) throw new DatasetException("dataset.source", $"no {extension} blobs under '{spec.Source}'");

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            listing.Select(b => $"{containerName}/{b.Name}\t{b.Properties.ContentLength}\t{b.Properties.ETag}")))))[..16];
        var folder = Path.Combine(cacheRoot, "blob-sources", key);
        AtomicFolder.Ensure(folder, staging =>
        {
            foreach (var blob in listing)
            {
                var path = Path.Combine(staging, blob.Name[prefix.Length..]);
                if (!Path.GetFullPath(path).StartsWith(Path.GetFullPath(staging) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new DatasetException("dataset.source", $"blob '{blob.Name}' would land outside the data set's folder");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                container.GetBlobClient(blob.Name).DownloadTo(path);
            }
        });
        return spec with { Source = folder };
    }
}
