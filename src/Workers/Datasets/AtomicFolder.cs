namespace ScaleLab.Workers.Datasets;

/// <summary>
/// A folder built once per disk and seen whole or not at all: the build writes into "folder.partial" under the
/// folder's <see cref="FileLock"/>, and the result is renamed into place. A build killed mid-way leaves only its
/// staging folder, which the next build deletes; a build that throws deletes its own.
/// </summary>
public static class AtomicFolder
{
    public static void Ensure(string folder, Action<string> buildInto)
    {
        if (Directory.Exists(folder)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        using var gate = FileLock.Acquire(folder + ".lock");
        if (Directory.Exists(folder)) return;   // another process built it while this one waited
        var staging = folder + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            buildInto(staging);
            Directory.Move(staging, folder);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
    }
}
