using Azure.Storage.Blobs;
using Orleans.Runtime;
using ScaleLab.Workers.Corpus;

namespace ScaleLab.Workers.Datasets;

/// <summary>
/// Takes tokenization jobs of registered data sets from <see cref="TokenizationQueue"/>, one at a time, and runs each
/// on a thread of its own: build the shards locally (<see cref="DatasetBuilder"/>), upload them
/// (<see cref="DatasetShardStore"/>), then mark the job done. Progress and the lease are renewed every few seconds; a
/// worker killed mid-way loses its lease, and the job is built again from the start by whichever worker claims it
/// (the local build is atomic, the upload is overwritten and the manifest goes last).
/// Datasets:Tokenize=false keeps a worker out of it; Datasets:LeaseSeconds sets the lease (default 30).
/// </summary>
public sealed class TokenizationService(
    TokenizationQueue queue, BlobServiceClient blobs, ILocalSiloDetails silo, IConfiguration configuration, ILogger<TokenizationService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

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
                return;   // the lease runs out and another worker takes the job
            }
            catch (Exception ex)
            {
                logger.LogWarning("Tokenization {Job} attempt {Attempt}: {Error}", job?.Id, job?.Attempt, ex.Message);
                if (job is not null) await TryAsync(() => queue.ReleaseAsync(job, ex.Message, CancellationToken.None));
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
        var build = Task.Run(() =>
        {
            var spec = BlobSource.Localize(job.Spec, blobs, cache);
            return DatasetBuilder.Ensure(spec, cache, progress);
        }, lost.Token);
        while (await Task.WhenAny(build, Task.Delay(Lease / 3, stop)) != build)
            if (!await queue.RenewAsync(job, progress.Value * 0.9, Lease, stop)) lost.Cancel();   // the last 10% is the upload

        (string Folder, DatasetManifest Manifest) built;
        try
        {
            built = await build;
        }
        catch (DatasetException ex)
        {
            logger.LogWarning("Data set {Name} refused: {Field}: {Message}", job.DatasetName, ex.Field, ex.Message);
            await queue.FailAsync(job, ex.Field, ex.Message, stop);
            return;
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            logger.LogWarning("Tokenization {Job} attempt {Attempt} lost its lease; another worker has it", job.Id, job.Attempt);
            return;
        }
        var (folder, manifest) = built;
        if (job.RegisteredHash is { } registered && registered != manifest.ContentHash)
        {
            await queue.FailAsync(job, "dataset.source",
                $"the files changed since the data set was first tokenized (content hash {registered[..16]}, now {manifest.ContentHash[..16]}); register them under a new name", stop);
            return;
        }
        await new DatasetShardStore(blobs).UploadAsync(folder, manifest, stop);
        if (await queue.CompleteAsync(job, manifest, Path.GetFileName(folder), stop))
            logger.LogInformation("Data set {Name} ({Tokenizer}): {Tokens:N0} tokens from {Bytes:N0} bytes", job.DatasetName, manifest.Tokenizer, manifest.Tokens, manifest.Bytes);
    }

    private async Task TryAsync(Func<Task> call)
    {
        try { await call(); }
        catch (Exception ex) { logger.LogWarning("Could not hand the tokenization job back ({Error}); its lease will run out", ex.Message); }
    }

    /// <summary>The build's latest progress; reporting after the lease is lost stops the build (it throws on its own thread).</summary>
    private sealed class LatestProgress(CancellationToken lost) : IProgress<double>
    {
        private double _value;

        public double Value => Volatile.Read(ref _value);

        public void Report(double value)
        {
            lost.ThrowIfCancellationRequested();
            Volatile.Write(ref _value, value);
        }
    }
}
