using ScaleLab.Datasets;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// What a data set may read on this worker. Datasets:Roots (Datasets__Roots__0, __1, …) limits local sources to those
/// folders; with none set any absolute path is read (a trusted cluster). Blob sources never read the store's own
/// containers (tokenized data sets and checkpoints), whatever is configured.
/// </summary>
public static class DatasetAccess
{
    public static void Check(DatasetSpec spec, IConfiguration configuration)
    {
        if (DatasetSources.IsBlob(spec.Source))
        {
            var container = DatasetSources.SplitBlob(spec.Source).Container;
            if (DatasetSources.InternalContainers.Contains(container))
                throw new DatasetException("dataset.source", $"container '{container}' holds ScaleLab's own artifacts and is not a data source");
            return;
        }
        var roots = configuration.GetSection("Datasets:Roots").Get<string[]>() ?? [];
        if (roots.Length == 0) return;
        var path = Path.GetFullPath(spec.Source);
        if (!roots.Any(root => path == Path.GetFullPath(root).TrimEnd('/') || path.StartsWith(Path.GetFullPath(root).TrimEnd('/') + "/", StringComparison.Ordinal)))
            throw new DatasetException("dataset.source", "is outside the folders this worker reads data sets from (Datasets:Roots)");
    }
}
