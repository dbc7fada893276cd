using Npgsql;
using Polly;
using Polly.Registry;
using ScaleLab.Runs;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;

namespace ScaleLab.Workers.Slots;

/// <summary>
/// Runs training attempts on this silo's slots, each on its own long-running thread, outside any grain turn.
/// A slot holds one attempt; it stays "current" until the run grain has accepted the result, so heartbeats
/// never show a slot idle while its run is still being reported.
/// </summary>
public sealed class TrainingHost(
    IGrainFactory grains,
    NpgsqlDataSource db,
    CheckpointStore checkpoints,
    CorpusProvider corpus,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    RunEventWriter runLog,
    ResiliencePipelineProvider<string> pipelines,
    ILogger<TrainingHost> logger)
{
    private readonly ResiliencePipeline _calls = pipelines.GetPipeline(WorkerResilience.IdempotentCall);

    private double? peakTflops => configuration.GetValue<double?>("Torch:PeakTflops");

    private sealed record Attempt(RunAssignment Assignment, Task Task, CancellationTokenSource Cancel);

    private readonly Dictionary<string, Attempt> _slots = [];
    private readonly Lock _gate = new();

    public Guid? CurrentRun(string slotId)
    {
        lock (_gate) return _slots.TryGetValue(slotId, out var a) ? a.Assignment.RunId : null;
    }

    public void Start(string slotId, DeviceSlot device, RunAssignment assignment)
    {
        lock (_gate)
        {
            if (_slots.TryGetValue(slotId, out var current) && !current.Task.IsCompleted && !IsReporting(current))
            {
                if (current.Assignment.RunId == assignment.RunId && current.Assignment.Attempt == assignment.Attempt) return;
                throw new InvalidOperationException($"Slot {slotId} is busy with run {current.Assignment.RunId}");
            }
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
            var task = Task.Run(() => RunAttemptAsync(slotId, device, assignment, cancel.Token));
            _slots[slotId] = new Attempt(assignment, task, cancel);
        }
    }

    /// <summary>Stops the slot's attempt if it is training that run; the attempt completes as Cancelled.</summary>
    public void Cancel(string slotId, Guid runId)
    {
        lock (_gate)
            if (_slots.TryGetValue(slotId, out var current) && current.Assignment.RunId == runId) current.Cancel.Cancel();
    }

    private readonly HashSet<(Guid, int)> _reporting = [];

    private bool IsReporting(Attempt a) => _reporting.Contains((a.Assignment.RunId, a.Assignment.Attempt));

    /// <param name="cancel">Cancels the training only (a cancelled sweep, or the process stopping); reporting uses the process lifetime.</param>
    private async Task RunAttemptAsync(string slotId, DeviceSlot device, RunAssignment a, CancellationToken cancel)
    {
        var stopping = lifetime.ApplicationStopping;
        var run = grains.GetGrain<IRunGrain>(a.RunId);
        try
        {
            var proceed = await _calls.RunWithinAsync("BeginAttempt", TimeSpan.FromMinutes(2), clock, _ => run.BeginAttemptAsync(a.SweepId, slotId, a.Attempt), stopping);
            RunResult result = proceed
                ? await TrainAsync(slotId, device, a, run, cancel)
                : new RunResult(a.RunId, a.Attempt, RunStatus.Cancelled, 0, 0, 0, null, null, null, 0, 0, "run already finished");
            lock (_gate) _reporting.Add((a.RunId, a.Attempt));
            if (proceed)
                await _calls.RunWithinAsync("CompleteRun", TimeSpan.FromMinutes(10), clock, _ => run.CompleteAsync(a.SweepId, slotId, result), stopping);
            else
                await _calls.RunWithinAsync("ReleaseSlot", TimeSpan.FromMinutes(2), clock,
                    _ => grains.GetGrain<Scheduling.ISchedulerGrain>(Scheduling.ISchedulerGrain.Default).ReleaseAsync(slotId, a.RunId), stopping);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogWarning("Worker stopping: run {RunId} attempt {Attempt} abandoned; the scheduler will re-queue it", a.RunId, a.Attempt);
        }
        finally
        {
            lock (_gate)
            {
                _reporting.Remove((a.RunId, a.Attempt));
                if (_slots.TryGetValue(slotId, out var current) && current.Assignment == a) _slots.Remove(slotId);
            }
        }
    }

    /// <summary>The periodic checkpoint of a run; a new attempt resumes from it.</summary>
    public const string LatestCheckpoint = "latest.ckpt";

    private async Task<RunResult> TrainAsync(string slotId, DeviceSlot device, RunAssignment a, IRunGrain run, CancellationToken stopping)
    {
        await using var sink = new MetricSink(db, a.RunId, a.Attempt, clock, logger, pipelines.GetPipeline(WorkerResilience.MetricFlush));
        await using var uploader = new CheckpointUploader(checkpoints, a.RunId, () => sink.FlushAsync(TimeSpan.FromMinutes(10)), _calls, clock, logger,
            step => runLog.AppendAsync(a.RunId, a.Attempt, RunEventKind.Checkpoint, $"checkpoint at step {step} stored", step: step));
        try
        {
            var observer = new ReportingObserver(sink, run, uploader, a.Attempt, logger);
            var (resume, resumeStep) = await ResumePointAsync(a, stopping);
            var branchFrom = resume is null && a.Config.InitFrom is { } from ? await BranchPointAsync(from, stopping) : null;
            var branchPoints = await BranchPointsOfAsync(a.RunId, stopping);
            var precision = MixedPrecision.Resolve(a.Config.Precision, device.Device);
            var start = resume is not null ? $"resuming from the checkpoint at step {resumeStep}"
                : branchFrom is not null ? $"branching off run {a.Config.InitFrom!.Run} at its step {a.Config.InitFrom.Step}"
                : "from scratch";
            await runLog.AppendAsync(a.RunId, a.Attempt, resume is null ? RunEventKind.Started : RunEventKind.Resumed, $"training on {device.Name} in {precision}, " +
                start + $" ({a.Config.Steps} steps, slot {slotId})" + (branchPoints.Count > 0 ? $"; keeping checkpoints for branches at steps {string.Join(", ", branchPoints.Order())}" : ""),
                slotId, resume is not null ? resumeStep : branchFrom is not null ? a.Config.InitFrom!.Step : null);
            logger.LogInformation("Training run {RunId} ({Name}) attempt {Attempt} on {SlotId}: {Steps} steps{Resume}", a.RunId, a.Name, a.Attempt,
                slotId, a.Config.Steps, resume is null ? "" : " (resuming from its latest checkpoint)");
            // The task's data (a corpus or data set tokenized on first use) is built off the grain's thread too.
            var task = await Task.Factory.StartNew(() => TrainingTasks.Create(a.Config, corpus), stopping, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (task.DataDescription is { } data) await runLog.AppendAsync(a.RunId, a.Attempt, RunEventKind.Note, $"data: {data}");
            Trainer? trainer = null;
            var outcome = await Task.Factory.StartNew(() =>
            {
                trainer = new Trainer(a.Config, task, device.Device, device.PeakFlops(precision, peakTflops), branchPoints);
                return trainer.Train(observer, stopping, resume, branchFrom);
            }, stopping, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (outcome.ResumedFromStep > 0) logger.LogInformation("Run {RunId} resumed at step {Step}", a.RunId, outcome.ResumedFromStep);
            if (device.Device.type == TorchSharp.DeviceType.CUDA) await runLog.AppendAsync(a.RunId, a.Attempt, RunEventKind.Note, $"engine: {trainer!.Engine}");
            await uploader.DisposeAsync(); // the last periodic upload must not race the final one

            using var archive = new MemoryStream();
            CheckpointArchive.Write(trainer!.Model!, trainer.Optimizer!,
                new CheckpointArchive.Manifest(a.Config, outcome.Steps, outcome.Tokens, outcome.FinalLoss, outcome.FinalValLoss, outcome.WallClockSeconds), archive);
            trainer.Optimizer!.Dispose();
            trainer.Model!.Dispose();
            var (uri, bytes) = await _calls.RunWithinAsync("UploadCheckpoint", TimeSpan.FromMinutes(5), clock,
                ct => { archive.Position = 0; return checkpoints.UploadAsync(a.RunId, "final.ckpt", archive, ct); }, stopping);
            await sink.DrainAsync(TimeSpan.FromMinutes(5));
            return new RunResult(a.RunId, a.Attempt, RunStatus.Succeeded, outcome.Steps, outcome.Tokens, outcome.Flops,
                outcome.FinalLoss, outcome.FinalValLoss, uri.ToString(), bytes, outcome.WallClockSeconds, null);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId} attempt {Attempt} cancelled", a.RunId, a.Attempt);
            await KeepMetricsAsync(sink, a); // a stopped or cancelled run keeps the curve it had logged
            return await WithLatestCheckpointAsync(uploader, new RunResult(a.RunId, a.Attempt, RunStatus.Cancelled, 0, 0, 0, null, null, null, 0, 0, "cancelled"));
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            logger.LogError(ex, "Run {RunId} attempt {Attempt} failed", a.RunId, a.Attempt);
            await runLog.AppendAsync(a.RunId, a.Attempt, RunEventKind.Failed, $"failed on {slotId}: {ex.GetType().Name}: {ex.Message}", slotId);
            await KeepMetricsAsync(sink, a);
            return await WithLatestCheckpointAsync(uploader, new RunResult(a.RunId, a.Attempt, RunStatus.Failed, 0, 0, 0, null, null, null, 0, 0, ex.GetType().Name + ": " + ex.Message));
        }
    }

    /// <summary>A run that ends early keeps its last periodic checkpoint on record (once any upload in flight is done).</summary>
    private static async Task<RunResult> WithLatestCheckpointAsync(CheckpointUploader uploader, RunResult result)
    {
        await uploader.DisposeAsync();
        return uploader.Stored is { } stored ? result with { CheckpointUri = stored.Uri.ToString(), CheckpointBytes = stored.Bytes } : result;
    }

    private async Task KeepMetricsAsync(MetricSink sink, RunAssignment a)
    {
        try
        {
            await sink.DrainAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException ex)
        {
            logger.LogWarning("Run {RunId} attempt {Attempt}: {Message}", a.RunId, a.Attempt, ex.Message);
        }
    }

    /// <summary>The run's latest checkpoint and its step if an earlier attempt left one for this very config; otherwise (null, 0): start from scratch.</summary>
    private async Task<(Stream? Checkpoint, int Step)> ResumePointAsync(RunAssignment a, CancellationToken ct)
    {
        var stream = await _calls.RunWithinAsync("ReadCheckpoint", TimeSpan.FromMinutes(2), clock, token => checkpoints.TryOpenAsync(a.RunId, LatestCheckpoint, token), ct);
        if (stream is null) return (null, 0);
        var manifest = CheckpointArchive.ReadManifest(stream);
        stream.Position = 0;
        if (manifest.Config == a.Config) return (stream, manifest.Step);
        logger.LogWarning("Ignoring the latest checkpoint of run {RunId}: it was written for another config", a.RunId);
        return (null, 0);
    }

    /// <summary>The checkpoint a branch starts from: the one its parent kept at the branch point (the parent has finished, so it is there).</summary>
    private async Task<Stream> BranchPointAsync(BranchPoint from, CancellationToken ct) =>
        await _calls.RunWithinAsync("ReadBranchPoint", TimeSpan.FromMinutes(2), clock,
            token => checkpoints.TryOpenAsync(from.Run, CheckpointArchive.BranchPointName(from.Step), token), ct)
        ?? throw new InvalidDataException($"run {from.Run} kept no checkpoint at step {from.Step} to branch from");

    /// <summary>The steps at which runs of the study branch off this one (a ladder's trunk), from their rows.</summary>
    private async Task<IReadOnlySet<int>> BranchPointsOfAsync(Guid runId, CancellationToken ct) =>
        await _calls.RunWithinAsync("ReadBranchPoints", TimeSpan.FromMinutes(2), clock, async token =>
        {
            await using var command = db.CreateCommand("SELECT DISTINCT first_step FROM runs WHERE parent_run_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = runId });
            var steps = new HashSet<int>();
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token)) steps.Add(reader.GetInt32(0));
            return (IReadOnlySet<int>)steps;
        }, ct);

    /// <summary>Metrics go to the sink, checkpoints to the uploader; progress goes to the run grain without making training wait.</summary>
    private sealed class ReportingObserver(MetricSink sink, IRunGrain run, CheckpointUploader uploader, int attempt, ILogger logger) : ITrainingObserver
    {
        public void OnMetrics(IReadOnlyList<MetricSample> samples) => sink.Add(samples);

        public void OnCheckpoint(CheckpointArchive.Manifest manifest, Action<Stream> write) => uploader.Enqueue(manifest.Step, write);

        public void OnBranchPoint(CheckpointArchive.Manifest manifest, Action<Stream> write) =>
            uploader.Enqueue(manifest.Step, write, CheckpointArchive.BranchPointName(manifest.Step));

        public void OnProgress(RunProgress progress) =>
            run.ReportProgressAsync(attempt, progress).ContinueWith(
                t => logger.LogDebug("Progress report failed: {Message}", t.Exception?.GetBaseException().Message),
                TaskContinuationOptions.OnlyOnFaulted);
    }
}
