using Npgsql;
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
    private readonly List<MetricSample> _pending = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private long _added, _stored;

    public MetricSink(NpgsqlDataSource db, Guid runId, int attempt, TimeProvider clock, ILogger logger)
    {
        (_db, _runId, _attempt, _clock, _logger) = (db, runId, attempt, clock, logger);
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
        var deadline = _clock.GetUtcNow() + budget;
        var delay = TimeSpan.FromMilliseconds(200);
        while (Interlocked.Read(ref _stored) < mark)
        {
            if (await TryFlushAsync(CancellationToken.None)) continue;
            if (_clock.GetUtcNow() > deadline) throw new TimeoutException($"metric points of run {_runId} could not be stored");
            await Task.Delay(delay);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
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
            if (Count > 0 && !await TryFlushAsync(_stop.Token))
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }
    }

    /// <summary>Stores the oldest batch; one flush at a time (the loop, FlushAsync and DrainAsync may overlap).</summary>
    private async Task<bool> TryFlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(CancellationToken.None);
        try
        {
            List<MetricSample> batch;
            lock (_gate) batch = _pending.Take(MaxBatch).ToList();
            if (batch.Count == 0) return true;
            await MetricBatchWriter.WriteAsync(_db, _runId, _attempt, batch, _clock.GetUtcNow(), ct);
            lock (_gate) _pending.RemoveRange(0, batch.Count);
            Interlocked.Add(ref _stored, batch.Count);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or OperationCanceledException)
        {
            _logger.LogWarning("Storing metric points of run {RunId} failed ({Message}); will retry", _runId, ex.Message);
            return false;
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
