using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>The run rows the RunGrain writes; each write is idempotent and guarded by the attempt it belongs to.</summary>
public sealed class RunStore(IDbContextFactory<ScaleLabDb> dbFactory, TimeProvider clock)
{
    public async Task MarkRunningAsync(Guid runId, int attempt, string slotId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetUtcNow();
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u
            .SetProperty(r => r.Status, RunStatus.Running)
            .SetProperty(r => r.Attempt, attempt)
            .SetProperty(r => r.SlotId, slotId)
            .SetProperty(r => r.Error, (string?)null)
            .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now));
        // The sweep is Running from its first start, not from its first finish (a sweep of long runs read "Queued" for hours).
        await db.Sweeps.Where(s => s.Status == SweepStatus.Queued && db.Runs.Any(r => r.Id == runId && r.SweepId == s.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SweepStatus.Running));
    }

    public async Task RecordProgressAsync(Guid runId, int attempt, RunProgress progress)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Runs.Where(r => r.Id == runId && r.Attempt == attempt && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.StepsDone, progress.Step)
                .SetProperty(r => r.TotalSteps, progress.TotalSteps)
                .SetProperty(r => r.TokensSeen, progress.Tokens)
                .SetProperty(r => r.LastLoss, progress.Loss));
    }

    /// <summary>
    /// Final numbers and the checkpoint artifact, in one transaction: checkpoint-final for a run that succeeded, else
    /// checkpoint-latest, its last periodic one. A run that ended early reports no wall-clock time of its own; its
    /// training time is then that of its last logged step.
    /// </summary>
    public async Task CompleteAsync(RunResult result)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetUtcNow();
        // Retried as a unit by the execution strategy when PostgreSQL drops the connection.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.Runs.Where(r => r.Id == result.RunId).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Status, result.Status)
                // A cancelled or failed attempt reports no steps of its own; the progress it had made stays on record.
                .SetProperty(r => r.StepsDone, r => r.StepsDone > result.Steps ? r.StepsDone : result.Steps)
                .SetProperty(r => r.TokensSeen, r => r.TokensSeen > result.Tokens ? r.TokensSeen : result.Tokens)
                .SetProperty(r => r.FinalLoss, result.FinalLoss)
                .SetProperty(r => r.LastLoss, r => result.FinalLoss ?? r.LastLoss)
                .SetProperty(r => r.FinalValLoss, result.FinalValLoss)
                .SetProperty(r => r.Error, result.Error)
                .SetProperty(r => r.WallClockSeconds, r => result.WallClockSeconds > 0 ? result.WallClockSeconds
                    : db.Metrics.Where(m => m.RunId == r.Id).Max(m => (double?)m.WallClockSeconds))
                .SetProperty(r => r.FinishedAt, now));
            if (result.CheckpointUri is not null)
            {
                var name = result.Status == RunStatus.Succeeded ? "checkpoint-final" : "checkpoint-latest";
                var exists = await db.Artifacts.AnyAsync(a => a.RunId == result.RunId && a.Name == name);
                if (!exists)
                    db.Artifacts.Add(new ArtifactRecord
                    {
                        Id = Guid.CreateVersion7(),
                        RunId = result.RunId,
                        Kind = "checkpoint",
                        Name = name,
                        Uri = result.CheckpointUri,
                        Bytes = result.CheckpointBytes,
                        CreatedAt = now,
                    });
                await db.SaveChangesAsync();
            }
            await tx.CommitAsync();
        });
    }
}
