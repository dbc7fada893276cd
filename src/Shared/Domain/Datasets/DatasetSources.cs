namespace ScaleLab.Datasets;

/// <summary>
/// Where a data set's files are: an absolute path on the workers, or "blob://container/prefix" in the artifact store
/// the checkpoints use (every blob under the prefix, read by the worker that tokenizes).
/// </summary>
public static class DatasetSources
{
    public const string BlobScheme = "blob://";

    /// <summary>The store's own containers (tokenized data sets, checkpoints): never a data source.</summary>
    public static readonly IReadOnlyList<string> InternalContainers = ["datasets", "checkpoints"];

    public static bool IsBlob([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? source) => source is not null && source.StartsWith(BlobScheme, StringComparison.Ordinal);

    /// <summary>
    /// The container and folder of a blob source: the prefix always ends in '/' ("" = the whole container), so
    /// "blob://c/a" reads a/x.txt but never ab.txt or a2/x.txt.
    /// </summary>
    public static (string Container, string Prefix) SplitBlob(string source)
    {
        var rest = source[BlobScheme.Length..];
        var slash = rest.IndexOf('/');
        if (slash < 0) return (rest, "");
        var prefix = rest[(slash + 1)..].Trim('/');
        return (rest[..slash], prefix.Length == 0 ? "" : prefix + "/");
    }

    /// <summary>Azure's rule for container names: 3-63 lowercase letters, digits and single hyphens, starting and ending alphanumeric.</summary>
    public static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63 && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && !name.Contains("--", StringComparison.Ordinal);
}
