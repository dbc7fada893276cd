using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Polly;
using Polly.Registry;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Training;

namespace ScaleLab.Workers.Tests;

/// <summary>The worker's retry pipelines, as registered for the worker, on a clock whose waits end at once.</summary>
public sealed class WorkerResilienceTests : IDisposable
{
    private readonly InstantClock _clock = new();
    private readonly ServiceProvider _services;

    public WorkerResilienceTests() =>
        _services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_clock).AddWorkerResilience().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    private ResiliencePipeline Pipeline(string name) => _services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(name);

    private static TimeSpan[] Ms(params int[] waits) => [.. waits.Select(w => TimeSpan.FromMilliseconds(w))];

    [Fact]
    public async Task An_idempotent_call_that_fails_is_retried_with_doubling_delays_until_it_succeeds()
    {
        var calls = 0;

        var result = await Pipeline(WorkerResilience.IdempotentCall).RunWithinAsync("CompleteRun", TimeSpan.FromMinutes(10), _clock,
            _ => ++calls <= 3 ? throw new InvalidOperationException("silo gone") : Task.FromResult(42));

        Assert.Equal((42, 4), (result, calls));
        Assert.Equal(Ms(250, 500, 1000), _clock.Waits);
    }

    [Fact]
    public async Task An_idempotent_call_still_failing_when_its_budget_is_spent_throws_its_last_failure()
    {
        var calls = 0;

        var thrown = await Assert.ThrowsAsync<IOException>(() => Pipeline(WorkerResilience.IdempotentCall).RunWithinAsync(
            "UploadCheckpoint", TimeSpan.FromSeconds(20), _clock, _ => Task.FromException<bool>(new IOException($"failure {++calls}"))));

        // Failures at 0, 0.25, 0.75, 1.75, 3.75, 7.75, 12.75 and 17.75 s are retried (delays capped at 5 s); the one at 22.75 s is not.
        Assert.Equal("failure 9", thrown.Message);
        Assert.Equal(Ms(250, 500, 1000, 2000, 4000, 5000, 5000, 5000), _clock.Waits);
    }

    [Fact]
    public async Task An_idempotent_call_that_fails_after_its_token_was_cancelled_is_not_retried()
    {
        using var stopping = new CancellationTokenSource();
        var calls = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline(WorkerResilience.IdempotentCall).RunWithinAsync(
            "BeginAttempt", TimeSpan.FromMinutes(2), _clock, _ => { calls++; stopping.Cancel(); throw new InvalidOperationException("silo gone"); }, stopping.Token));

        Assert.Equal(1, calls);
        Assert.Empty(_clock.Waits);
    }

    public static TheoryData<Exception> TransientDatabaseFailures() =>
        [new NpgsqlException("connection reset"), new TimeoutException(), new IOException(), new OperationCanceledException()];

    [Theory]
    [MemberData(nameof(TransientDatabaseFailures))]
    public async Task Storing_metrics_retries_the_databases_transient_failures(Exception failure)
    {
        var calls = 0;

        await Pipeline(WorkerResilience.MetricFlush).RunWithinAsync("Storing metric points", TimeSpan.FromMinutes(10), _clock,
            _ => ++calls == 1 ? Task.FromException(failure) : Task.CompletedTask);

        Assert.Equal(2, calls);
        Assert.Equal(Ms(200), _clock.Waits);
    }

    [Fact]
    public async Task Storing_metrics_does_not_retry_any_other_failure()
    {
        var calls = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Pipeline(WorkerResilience.MetricFlush).RunWithinAsync(
            "Storing metric points", TimeSpan.FromMinutes(10), _clock, _ => { calls++; throw new InvalidOperationException("a bug"); }));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Metric_points_that_cannot_be_stored_within_the_budget_fail_the_flush_with_a_timeout()
    {
        // Nothing listens on port 1: every write fails at once, as while PostgreSQL is down.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=none;Timeout=5");
        await using var sink = new MetricSink(unreachable, Guid.NewGuid(), 1, _clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, Pipeline(WorkerResilience.MetricFlush));
        sink.Add([new MetricSample(1, "loss", 5.0, 100, 1e6, 0.1)]);

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => sink.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.IsAssignableFrom<NpgsqlException>(thrown.InnerException);
        Assert.Equal(Ms(200, 400, 800, 1600, 3200, 5000), _clock.Waits);
    }

    [Fact]
    public async Task A_worker_waits_for_the_cluster_schema_polling_once_a_second_for_three_minutes()
    {
        var polls = 0;

        var created = await Pipeline(WorkerResilience.ClusterSchema).RunWithinAsync("WaitForClusterSchema", TimeSpan.FromMinutes(3), _clock,
            _ => Task.FromResult(++polls < 0));

        Assert.False(created);
        Assert.Equal(181, polls);   // at 0, 1, ..., 180 s
        Assert.All(_clock.Waits, wait => Assert.Equal(TimeSpan.FromSeconds(1), wait));
    }

    [Fact]
    public async Task A_worker_waiting_for_the_cluster_schema_retries_while_the_database_is_unreachable()
    {
        var polls = 0;

        var created = await Pipeline(WorkerResilience.ClusterSchema).RunWithinAsync("WaitForClusterSchema", TimeSpan.FromMinutes(3), _clock,
            _ => ++polls <= 2 ? Task.FromException<bool>(new NpgsqlException("refused")) : Task.FromResult(true));

        Assert.Equal((true, 3), (created, polls));
    }
}
