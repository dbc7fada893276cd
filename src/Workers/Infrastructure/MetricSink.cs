using Npgsql;
using Polly;
using ScaleLab.Workers.Training;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// Buffers a run attempt's metric points and flushes them in batches from a background loop, so training never
/// waits on the database. A failed flush (PostgreSQL restarting) keeps the points and retries; a point leaves the
/// buffer only after its batch committed.
/// </summary>
public sealed class MetricSink : IAsyncDisposable
{
    private const int MaxBatch = 5000;
    private readonly NpgsqlDataSource _db;
    private readonly Guid _runId;
    private readonly int _attempt;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _flushRetry;
    private readonly List<MetricSample> _pending = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private long _added, _stored;

    /// <param name="flushRetry">The <see cref="WorkerResilience.MetricFlush"/> pipeline.</param>
    public MetricSink(NpgsqlDataSource db, Guid runId, int attempt, TimeProvider clock, ILogger logger, ResiliencePipeline flushRetry)
    {
        (_db, _runId, _attempt, _clock, _logger, _flushRetry) = (db, runId, attempt, clock, logger, flushRetry);
        _loop = Task.Run(FlushLoopAsync);
    }

    public void Add(IEnumerable<MetricSample> samples)
    {
        lock (_gate)
        {
            var before = _pending.Count;
            _pending.AddRange(samples);
            _added += _pending.Count - before;
        }
    }

    /// <summary>
    /// Returns once every point added before the call is stored (retrying until <paramref name="budget"/> runs out,
    /// then throwing). A checkpoint is published only after this: a resumed attempt re-logs only the steps after its
    /// checkpoint, so the steps up to it must already be in the database.
    /// </summary>
    public async Task FlushAsync(TimeSpan budget)
    {
        long mark;
        lock (_gate) mark = _added;
        try
        {
            await _flushRetry.RunWithinAsync($"Storing metric points of run {_runId}", budget, _clock, async ct =>
            {
                while (Interlocked.Read(ref _stored) < mark) await FlushBatchAsync(ct);
            });
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            throw new TimeoutException($"metric points of run {_runId} could not be stored", ex);
        }
    }

    /// <summary>Flushes everything buffered, retrying until <paramref name="budget"/> runs out; throws if points remain.</summary>
    public async Task DrainAsync(TimeSpan budget)
    {
        await _stop.CancelAsync();
        await _loop;
        await FlushAsync(budget); // nothing is added any more, so this empties the buffer
    }

    private int Count { get { lock (_gate) return _pending.Count; } }

    private async Task FlushLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try { await Task.Delay(TimeSpan.FromMilliseconds(500), _stop.Token); }
            catch (OperationCanceledException) { return; }
            if (Count == 0) continue;
            try
            {
                await FlushBatchAsync(_stop.Token);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                // The batch stays buffered for a later round, or for a flush that must wait for it (FlushAsync).
                _logger.LogWarning("Storing metric points of run {RunId} failed ({Message}); will retry", _runId, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    /// <summary>The failures of a flush that keep the points for another try (PostgreSQL restarting, a connection cut).</summary>
    internal static bool IsTransient(Exception ex) => ex is NpgsqlException or TimeoutException or IOException or OperationCanceledException;

    /// <summary>Stores the oldest batch; one flush at a time (the loop, FlushAsync and DrainAsync may overlap).</summary>
    private async Task FlushBatchAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(CancellationToken.None);
        try
        {
            List<MetricSample> batch;
            lock (_gate) batch = _pending.Take(MaxBatch).ToList();
            if (batch.Count == 0) return;
            await MetricBatchWriter.WriteAsync(_db, _runId, _attempt, batch, _clock.GetUtcNow(), ct);
            lock (_gate) _pending.RemoveRange(0, batch.Count);
            Interlocked.Add(ref _stored, batch.Count);
        }
        finally
        {
            _flushing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
        _flushing.Dispose();
    }
}
