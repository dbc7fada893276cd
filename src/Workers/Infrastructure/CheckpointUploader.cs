using Polly;
using ScaleLab.Workers.Training;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// Stores a run's periodic checkpoints as blob runs/{id}/latest.ckpt, and those kept at its branch points under their
/// step (<see cref="CheckpointArchive.BranchPointName"/>), without holding up training: the bytes are
/// taken on the training thread, the upload runs in the background, retrying through storage outages. At most
/// one upload is in flight; the next checkpoint waits for it, so "latest" only ever moves forward. Before a
/// checkpoint is published, <paramref name="metricsStored"/> must complete: the metric points up to its step are in
/// the database, because an attempt resuming from it re-logs only the steps after it. <paramref name="retry"/> is the
/// <see cref="WorkerResilience.IdempotentCall"/> pipeline, measuring its budget with <paramref name="clock"/>.
/// </summary>
public sealed class CheckpointUploader(
    CheckpointStore store, Guid runId, Func<Task> metricsStored, ResiliencePipeline retry, TimeProvider clock, ILogger logger, Func<int, Task>? stored = null)
    : IAsyncDisposable
{
    private Task _inFlight = Task.CompletedTask;

    /// <summary>The last periodic checkpoint stored (read after <see cref="DisposeAsync"/>): what a run that ends early leaves.</summary>
    public (Uri Uri, long Bytes)? Stored { get; private set; }

    /// <param name="keptAs">Null for the periodic checkpoint ("latest"); else the name of a checkpoint kept for other runs.</param>
    public void Enqueue(int step, Action<Stream> write, string? keptAs = null)
    {
        var bytes = new MemoryStream();
        write(bytes);
        _inFlight.GetAwaiter().GetResult(); // never two uploads of "latest" at once
        _inFlight = Task.Run(async () =>
        {
            try
            {
                await metricsStored();
                var uploaded = await retry.RunWithinAsync($"UploadCheckpoint(step {step})", TimeSpan.FromMinutes(10), clock,
                    _ => { bytes.Position = 0; return store.UploadAsync(runId, keptAs ?? Slots.TrainingHost.LatestCheckpoint, bytes, CancellationToken.None); });
                if (keptAs is null) Stored = uploaded;
                if (stored is not null) await stored(step);
            }
            catch (Exception ex)
            {
                // A checkpoint not stored (or not published, its metrics unsaved) costs only the steps since the previous one if the run is interrupted.
                logger.LogWarning(ex, "Checkpoint at step {Step} of run {RunId} was not stored", step, runId);
            }
        });
    }

    public async ValueTask DisposeAsync() => await _inFlight;
}
