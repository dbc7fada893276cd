using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.IntegrationTests;

/// <summary>Sweeps written straight to the database, as reads find them: no training, ids, names and outcomes chosen by the test.</summary>
public static class StoredSweeps
{
    public static RunRecord Run(Guid id, Guid sweepId, string name, RunStatus status = RunStatus.Succeeded, string? error = null) => new()
    {
        Id = id, SweepId = sweepId, Name = name, Status = status, Error = error, ConfigJson = "{}", TotalSteps = 10, StepsDone = 10,
        NonEmbeddingParameters = 123_456, PlannedTokens = 1_280_000, PlannedFlops = 9.5e11, FinalLoss = 3.4567, FinalValLoss = 3.5678,
        CreatedAt = DateTimeOffset.UtcNow, FinishedAt = status.IsTerminal() ? DateTimeOffset.UtcNow : null,
    };

    public static async Task InsertAsync(ClusterFixture cluster, Guid id, string name, SweepStatus status, bool archived, params RunRecord[] runs)
    {
        await using var db = new ScaleLabDb(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql(cluster.PostgresConnectionString).Options);
        db.Add(new SweepRecord
        {
            Id = id, Name = name, Kind = "grid", SpecJson = "{}", Status = status, Archived = archived, RunCount = runs.Length,
            RunsFinished = runs.Length, RunsFailed = runs.Count(r => r.Status == RunStatus.Failed), CreatedAt = DateTimeOffset.UtcNow,
        });
        db.AddRange(runs);
        await db.SaveChangesAsync();
    }
}
