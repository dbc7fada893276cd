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

    public MetricSink(NpgsqlDataSource db, Guid runId, int attempt, TimeProvider clock, ILogger logger)
    {
        (_db, _runId, _attempt, _clock, _logger) = (db, runId, attempt, clock, logger);
        _loop = Task.Run(FlushLoopAsync);
    }

    public void Add(IEnumerable<MetricSample> samples)
    {
        lock (_gate) _pending.AddRange(samples);
    }

    /// <summary>Flushes everything buffered, retrying until <paramref name="budget"/> runs out; throws if points remain.</summary>
    public async Task DrainAsync(TimeSpan budget)
    {
        await _stop.CancelAsync();
        await _loop;
        var deadline = _clock.GetUtcNow() + budget;
        var delay = TimeSpan.FromMilliseconds(200);
        while (Count > 0)
        {
            if (await TryFlushAsync(CancellationToken.None)) continue;
            if (_clock.GetUtcNow() > deadline) throw new TimeoutException($"{Count} metric points of run {_runId} could not be stored");
            await Task.Delay(delay);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
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

    private async Task<bool> TryFlushAsync(CancellationToken ct)
    {
        List<MetricSample> batch;
        lock (_gate) batch = _pending.Take(MaxBatch).ToList();
        if (batch.Count == 0) return true;
        try
        {
            await MetricBatchWriter.WriteAsync(_db, _runId, _attempt, batch, _clock.GetUtcNow(), ct);
            lock (_gate) _pending.RemoveRange(0, batch.Count);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or OperationCanceledException)
        {
            _logger.LogWarning("Storing {Count} metric points of run {RunId} failed ({Message}); will retry", batch.Count, _runId, ex.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
