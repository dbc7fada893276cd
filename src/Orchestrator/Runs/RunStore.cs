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
    /// Final numbers, the checkpoint artifact and the sweep's count, in one transaction: checkpoint-final for a run that
    /// succeeded, else checkpoint-latest, its last periodic one. A run that ended early reports no wall-clock time of
    /// its own; its training time is then that of its last logged step. The sweep counts the run when, and only when,
    /// the run's row turns terminal here, so a repeated completion is counted once, and the sweep's last run finishes
    /// it; a cancelled sweep counts nothing more.
    /// </summary>
    public async Task CompleteAsync(Guid sweepId, RunResult result)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetUtcNow();
        // Retried as a unit by the execution strategy when PostgreSQL drops the connection.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync();
            var turnedTerminal = await db.Runs.Where(r => r.Id == result.RunId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
                .ExecuteUpdateAsync(u => u
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
            if (turnedTerminal == 1) await CountInSweepAsync(db, sweepId, result.Status, now);
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

    private static Task CountInSweepAsync(ScaleLabDb db, Guid sweepId, RunStatus status, DateTimeOffset now)
    {
        var failed = status is RunStatus.Succeeded or RunStatus.Stopped ? 0 : 1; // an early-stopped run finished as planned
        return db.Sweeps.Where(s => s.Id == sweepId && s.Status != SweepStatus.Cancelled).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.RunsFinished, s => s.RunsFinished + 1)
            .SetProperty(s => s.RunsFailed, s => s.RunsFailed + failed)
            .SetProperty(s => s.Status, s => s.RunsFinished + 1 < s.RunCount ? SweepStatus.Running
                : s.RunsFailed + failed == 0 ? SweepStatus.Succeeded : SweepStatus.CompletedWithFailures)
            .SetProperty(s => s.FinishedAt, s => s.RunsFinished + 1 < s.RunCount ? s.FinishedAt : s.FinishedAt ?? now));
    }
}
