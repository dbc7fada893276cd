using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Polly;
using Polly.Registry;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Workers.Tests;

namespace ScaleLab.IntegrationTests;

/// <summary>The orchestrator's retry pipelines, as registered for the orchestrator, on a clock whose waits end at once (no cluster).</summary>
public sealed class OrchestratorResilienceTests : IDisposable
{
    private readonly InstantClock _clock = new();
    private readonly ServiceProvider _services;

    public OrchestratorResilienceTests() =>
        _services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_clock).AddOrchestratorResilience().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    private ResiliencePipeline Pipeline(string name) => _services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(name);

    [Fact]
    public async Task A_grain_call_that_fails_once_is_retried_and_returns_its_result()
    {
        var calls = 0;

        var result = await Pipeline(OrchestratorResilience.IdempotentGrainCall).RunAsync("Submitting sweep",
            _ => ++calls == 1 ? throw new NpgsqlException("the pooled connection died with the server") : Task.FromResult("accepted"));

        Assert.Equal(("accepted", 2), (result, calls));
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(250) }, _clock.Waits);
    }

    [Fact]
    public async Task A_grain_call_is_tried_4_times_250_ms_times_n_squared_apart_then_throws_its_last_failure()
    {
        var calls = 0;

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => Pipeline(OrchestratorResilience.IdempotentGrainCall).RunAsync(
            "Cancelling sweep", _ => Task.FromException(new TimeoutException($"failure {++calls}"))));

        Assert.Equal("failure 4", thrown.Message);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1000), TimeSpan.FromMilliseconds(2250) }, _clock.Waits);
    }

    [Fact]
    public async Task A_grain_call_refused_for_a_bad_argument_is_not_retried()
    {
        var calls = 0;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Pipeline(OrchestratorResilience.IdempotentGrainCall).RunAsync(
            "Submitting sweep", _ => { calls++; throw new ArgumentOutOfRangeException("spec"); }));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task PostgreSQL_at_start_is_tried_30_times_a_second_apart()
    {
        var calls = 0;

        await Assert.ThrowsAsync<NpgsqlException>(() => Pipeline(OrchestratorResilience.PostgresAtStart).RunAsync(
            "Connecting to PostgreSQL", _ => { calls++; throw new NpgsqlException("the database system is starting up"); }));

        Assert.Equal(30, calls);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromSeconds(1), 29), _clock.Waits);
    }

    [Fact]
    public async Task Only_PostgreSQLs_own_failures_are_retried_at_start()
    {
        var calls = 0;

        await Assert.ThrowsAsync<ArgumentException>(() => Pipeline(OrchestratorResilience.PostgresAtStart).RunAsync(
            "Connecting to PostgreSQL", _ => { calls++; throw new ArgumentException("bad connection string"); }));

        Assert.Equal(1, calls);
    }

    private static DbUpdateException Violation(string sqlState) =>
        new("saving failed", new PostgresException("duplicate key value", "ERROR", "ERROR", sqlState));

    [Fact]
    public async Task A_data_set_registration_that_lost_a_race_for_its_name_is_tried_again_at_once_3_times_in_all()
    {
        var calls = 0;

        await Assert.ThrowsAsync<DbUpdateException>(() => Pipeline(OrchestratorResilience.DatasetRegistration).RunAsync(
            "Registering data set", _ => { calls++; throw Violation(PostgresErrorCodes.UniqueViolation); }));

        Assert.Equal(3, calls);
        Assert.Empty(_clock.Waits);
    }

    [Fact]
    public async Task A_data_set_registration_that_failed_otherwise_is_not_retried()
    {
        var calls = 0;

        await Assert.ThrowsAsync<DbUpdateException>(() => Pipeline(OrchestratorResilience.DatasetRegistration).RunAsync(
            "Registering data set", _ => { calls++; throw Violation(PostgresErrorCodes.ForeignKeyViolation); }));

        Assert.Equal(1, calls);
    }
}
