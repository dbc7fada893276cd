namespace ScaleLab.Workers.Datasets;

/// <summary>
/// An exclusive lock between processes and threads on one disk: an open file nobody else may open, which the OS
/// releases if its holder dies. Opening fails at once while another holds it, so this waits, re-trying every 100 ms
/// (a build it waits for can take minutes). The lock file itself stays: deleting it would let two holders lock two
/// different files of one name.
/// </summary>
public static class FileLock
{
    public static IDisposable Acquire(string path, CancellationToken ct = default)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException) when (!ct.IsCancellationRequested)
            {
                ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
            }
        }
    }
}
