using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Training;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class MetricBatchWriterTests(ClusterFixture cluster)
{
    private async Task<Guid> NewRunAsync()
    {
        await using var db = new ScaleLabDb(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql(cluster.PostgresConnectionString).Options);
        var sweep = new SweepRecord { Id = Guid.NewGuid(), Name = "metrics", Kind = "grid", SpecJson = "{}", CreatedAt = DateTimeOffset.UtcNow };
        var run = new RunRecord { Id = Guid.NewGuid(), SweepId = sweep.Id, Name = "r", ConfigJson = "{}", CreatedAt = DateTimeOffset.UtcNow };
        db.AddRange(sweep, run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    private static List<MetricSample> Batch(double offset) =>
        Enumerable.Range(1, 50).SelectMany(step => new[]
        {
            new MetricSample(step, "loss", 5 - step * 0.01 + offset, step * 100, step * 1e6, step * 0.1),
            new MetricSample(step, "lr", 1e-3, step * 100, step * 1e6, step * 0.1),
        }).ToList();

    [Fact]
    public async Task A_batch_written_twice_is_stored_once()
    {
        var runId = await NewRunAsync();
        await using var db = NpgsqlDataSource.Create(cluster.PostgresConnectionString);

        await MetricBatchWriter.WriteAsync(db, runId, 1, Batch(0), DateTimeOffset.UtcNow, CancellationToken.None);
        await MetricBatchWriter.WriteAsync(db, runId, 1, Batch(0), DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(100, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{runId}'"));
    }

    [Fact]
    public async Task A_later_attempt_overwrites_and_an_earlier_one_does_not()
    {
        var runId = await NewRunAsync();
        await using var db = NpgsqlDataSource.Create(cluster.PostgresConnectionString);

        await MetricBatchWriter.WriteAsync(db, runId, 2, Batch(1), DateTimeOffset.UtcNow, CancellationToken.None);
        await MetricBatchWriter.WriteAsync(db, runId, 1, Batch(0), DateTimeOffset.UtcNow, CancellationToken.None); // stale attempt
        Assert.Equal(2, await cluster.ScalarAsync($"SELECT min(attempt) FROM metrics WHERE run_id = '{runId}'"));

        await MetricBatchWriter.WriteAsync(db, runId, 3, Batch(2), DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(100, await cluster.ScalarAsync($"SELECT count(*) FROM metrics WHERE run_id = '{runId}'"));
        Assert.Equal(3, await cluster.ScalarAsync($"SELECT min(attempt) FROM metrics WHERE run_id = '{runId}'"));
    }

    [Fact]
    public async Task Schema_bootstrap_is_idempotent()
    {
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        await DatabaseBootstrap.ApplyAsync(cluster.PostgresConnectionString, Polly.ResiliencePipeline.Empty, logger, CancellationToken.None);
        await DatabaseBootstrap.ApplyAsync(cluster.PostgresConnectionString, Polly.ResiliencePipeline.Empty, logger, CancellationToken.None);

        Assert.Equal(20, await cluster.ScalarAsync("SELECT count(*) FROM OrleansQuery")); // 9 clustering + 4 storage + 7 reminders
        Assert.True(await cluster.ScalarAsync("SELECT count(*) FROM orleans.membership WHERE status = 3") >= 2); // both silos active
    }
}
