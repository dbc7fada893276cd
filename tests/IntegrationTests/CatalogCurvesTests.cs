using Microsoft.EntityFrameworkCore;
using Npgsql;
using ScaleLab.Orchestrator.Catalog;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Training;

namespace ScaleLab.IntegrationTests;

/// <summary>The dashboard's one-query read of many runs' curves, thinned in PostgreSQL.</summary>
[Collection(ClusterCollection.Name)]
public class CatalogCurvesTests(ClusterFixture cluster)
{
    private sealed class Factory(string connectionString) : IDbContextFactory<ScaleLabDb>
    {
        public ScaleLabDb CreateDbContext() => new(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql(connectionString).Options);
    }

    [Fact]
    public async Task Many_runs_curves_come_back_thinned_in_one_call_with_first_and_last_points_kept()
    {
        var runIds = new List<Guid>();
        await using (var db = new Factory(cluster.PostgresConnectionString).CreateDbContext())
        {
            var sweep = new SweepRecord { Id = Guid.NewGuid(), Name = "curves", Kind = "grid", SpecJson = "{}", CreatedAt = DateTimeOffset.UtcNow };
            db.Add(sweep);
            for (var i = 0; i < 3; i++)
            {
                var run = new RunRecord { Id = Guid.NewGuid(), SweepId = sweep.Id, Name = $"r{i}", ConfigJson = "{}", CreatedAt = DateTimeOffset.UtcNow };
                db.Add(run);
                runIds.Add(run.Id);
            }
            await db.SaveChangesAsync();
        }
        await using var source = NpgsqlDataSource.Create(cluster.PostgresConnectionString);
        var lengths = new[] { 1000, 7, 0 }; // a long curve, a short one, none yet
        for (var i = 0; i < 3; i++)
        {
            var samples = Enumerable.Range(1, lengths[i]).Select(s => new MetricSample(s * 10, "loss", 5.0 / s + i, s * 100, s * 1e6, s)).ToList();
            if (samples.Count > 0) await MetricBatchWriter.WriteAsync(source, runIds[i], 1, samples, DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var curves = await new CatalogQueries(new Factory(cluster.PostgresConnectionString)).GetMetricsAsync(runIds, "loss", 20);

        Assert.Equal(runIds, curves.Select(c => c.RunId));
        var thinned = curves[0];
        Assert.InRange(thinned.Steps.Count, 20, 21);                                   // every 50th point, and the last
        Assert.Equal(10, thinned.Steps[0]);
        Assert.Equal(10_000, thinned.Steps[^1]);
        Assert.True(thinned.Steps.Zip(thinned.Steps.Skip(1)).All(p => p.Second > p.First));
        Assert.All(thinned.Steps.Zip(thinned.Values), p => Assert.Equal(5.0 / (p.First / 10), p.Second, 12));
        Assert.Equal(Enumerable.Range(1, 7).Select(s => s * 10), curves[1].Steps);   // short curves come back whole
        Assert.Equal(Enumerable.Range(1, 7).Select(s => 5.0 / s + 1), curves[1].Values);
        Assert.Empty(curves[2].Steps);
    }
}
