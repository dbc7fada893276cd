using Azure.Storage.Blobs;
using Orleans.Runtime;
using ScaleLab.Workers.Corpus;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// Takes tokenization jobs of registered data sets from <see cref="TokenizationQueue"/>, one at a time: build the
/// shards locally on a thread of their own (<see cref="DatasetBuilder"/>), upload them (<see cref="DatasetShardStore"/>),
/// then mark the job done. The lease is renewed every lease/3 for the whole job, upload included; a database hiccup
/// is retried until the lease would have run out. A worker killed mid-way loses its lease, and the job is built again
/// from the start by whichever worker claims it (the local build is atomic, the upload is overwritten and the manifest
/// goes last). Datasets:Tokenize=false keeps a worker out of it; Datasets:LeaseSeconds sets the lease (default 30).
/// </summary>
public sealed class TokenizationService(
    TokenizationQueue queue, BlobServiceClient blobs, ILocalSiloDetails silo, IConfiguration configuration, ILogger<TokenizationService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    /// <summary>Shown for a failure that is not the data's fault; the details (paths, hosts) stay in the worker's log.</summary>
    private const string InternalError = "the worker failed while tokenizing (see its log); the job was handed back";

    private TimeSpan Lease => TimeSpan.FromSeconds(configuration.GetValue("Datasets:LeaseSeconds", 30));

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!configuration.GetValue("Datasets:Tokenize", true)) return;
        var worker = silo.SiloAddress.ToParsableString();
        while (!stop.IsCancellationRequested)
        {
            TokenizationJob? job = null;
            try
            {
                job = await queue.ClaimAsync(worker, Lease, stop);
                if (job is null) await Task.Delay(Idle, stop);
                else await RunAsync(job, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                if (job is not null) await TryAsync(() => queue.ReturnOnShutdownAsync(job, CancellationToken.None));
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Tokenization {Job} attempt {Attempt} failed", job?.Id, job?.Attempt);
                if (job is not null) await TryAsync(() => queue.ReleaseAsync(job, InternalError, CancellationToken.None));
                await Task.Delay(Idle, stop);
            }
        }
    }

    private async Task RunAsync(TokenizationJob job, CancellationToken stop)
    {
        if (job.Attempt > TokenizationQueue.MaxAttempts)
        {
            await queue.FailAsync(job, "dataset", $"gave up: {TokenizationQueue.MaxAttempts} attempts ended with their worker gone", stop);
            return;
        }
        logger.LogInformation("Tokenizing data set {Name} with {Tokenizer} (attempt {Attempt})", job.DatasetName, job.Spec.Tokenizer, job.Attempt);
        var cache = CorpusProvider.CacheDirectoryOf(configuration);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var progress = new LatestProgress(lost.Token);
        var renewing = RenewWhileRunningAsync(job, progress, lost);
        try
        {
            var (folder, manifest) = await Task.Run(() =>
            {
                DatasetAccess.Check(job.Spec, configuration);
                return DatasetBuilder.Ensure(BlobSource.Localize(job.Spec, blobs, cache), cache, progress);
            }, lost.Token);
            if (job.RegisteredHash is { } registered && registered != manifest.ContentHash)
            {
                await queue.FailAsync(job, "dataset.source", ContentChanged(registered, manifest.ContentHash), stop);
                return;
            }
            progress.Uploading();
            await new DatasetShardStore(blobs).UploadAsync(folder, manifest, lost.Token);
            switch (await queue.CompleteAsync(job, manifest, Path.GetFileName(folder), lost.Token))
            {
                case CompletionOutcome.Completed:
                    logger.LogInformation("Data set {Name} ({Tokenizer}): {Tokens:N0} tokens from {Bytes:N0} bytes", job.DatasetName, manifest.Tokenizer, manifest.Tokens, manifest.Bytes);
                    break;
                case CompletionOutcome.LeaseLost:
                    logger.LogWarning("Tokenization {Job} attempt {Attempt} finished after losing its lease; the claim that holds it decides", job.Id, job.Attempt);
                    break;
                case CompletionOutcome.ContentChanged:
                    await queue.FailAsync(job, "dataset.source", ContentChanged("another tokenization's", manifest.ContentHash), stop);
                    break;
            }
        }
        catch (DatasetException ex)
        {
            logger.LogWarning("Data set {Name} refused: {Field}: {Message}", job.DatasetName, ex.Field, ex.Message);
            await queue.FailAsync(job, ex.Field, ex.Message, stop);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            logger.LogWarning("Tokenization {Job} attempt {Attempt} lost its lease; another worker has it", job.Id, job.Attempt);
        }
        finally
        {
            await lost.CancelAsync();
            await renewing;
        }
    }

    private static string ContentChanged(string registered, string now) =>
        $"the files changed since the data set was first tokenized (content hash {registered[..Math.Min(16, registered.Length)]}, now {now[..16]}); register them under a new name";

    /// <summary>Renews the lease until the job ends; cancels it when the lease is lost or cannot be renewed before it runs out.</summary>
    private async Task RenewWhileRunningAsync(TokenizationJob job, LatestProgress progress, CancellationTokenSource lost)
    {
        var renewedAt = DateTime.UtcNow;
        while (!lost.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Lease / 3, lost.Token);
                if (!await queue.RenewAsync(job, progress.Value, Lease, lost.Token))
                {
                    await lost.CancelAsync();
                    return;
                }
                renewedAt = DateTime.UtcNow;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Renewing the lease of tokenization {Job} failed ({Error}); retrying", job.Id, ex.Message);
                if (DateTime.UtcNow - renewedAt > Lease * 0.9) await lost.CancelAsync();   // another worker may claim it now
            }
        }
    }

    private async Task TryAsync(Func<Task> call)
    {
        try { await call(); }
        catch (Exception ex) { logger.LogWarning("Could not hand the tokenization job back ({Error}); its lease will run out", ex.Message); }
    }

    /// <summary>The job's progress: the build is the first 90%, the upload the rest. Reporting after the lease is lost stops the build.</summary>
    private sealed class LatestProgress(CancellationToken lost) : IProgress<double>
    {
        private double _value;

        public double Value => Volatile.Read(ref _value);

        public void Report(double value)
        {
            lost.ThrowIfCancellationRequested();
            Volatile.Write(ref _value, 0.9 * value);
        }

        public void Uploading() => Volatile.Write(ref _value, 0.9);
    }
}
