using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// The run rows the RunGrain writes. The row is the run's state: each write is guarded by the attempt it belongs to and
/// the status it expects, so a stale attempt changes nothing, a repeated call is harmless, and the row and its log line
/// commit together.
/// </summary>
public sealed class RunStore(IDbContextFactory<ScaleLabDb> dbFactory, TimeProvider clock)
{
    /// <summary>
    /// Marks the attempt as the run's current one, unless the run has finished or a newer attempt began: false then.
    /// The sweep is Running from its first start, not from its first finish (a sweep of long runs read "Queued" for hours).
    /// </summary>
    public async Task<bool> BeginAttemptAsync(Guid runId, int attempt, string slotId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetUtcNow();
        return await InTransactionAsync(db, async () =>
        {
            var begun = await db.Runs.Where(r => r.Id == runId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running) && r.Attempt <= attempt)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(r => r.Status, RunStatus.Running)
                    .SetProperty(r => r.Attempt, attempt)
                    .SetProperty(r => r.SlotId, slotId)
                    .SetProperty(r => r.Error, (string?)null)
                    .SetProperty(r => r.StartedAt, r => r.StartedAt ?? now)) == 1;
            if (!begun) return false;
            await db.Sweeps.Where(s => s.Status == SweepStatus.Queued && db.Runs.Any(r => r.Id == runId && r.SweepId == s.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SweepStatus.Running));
            db.RunEvents.Add(Event(runId, attempt, RunEventKind.Assigned, $"attempt {attempt} assigned to slot {slotId}", now, slotId));
            await db.SaveChangesAsync();
            return true;
        });
    }

    /// <summary>What the early-stopping rule needs of a run that reported progress; null when the attempt is not current.</summary>
    public sealed record Progressing(Guid SweepId, string? StopReason);

    public async Task<Progressing?> RecordProgressAsync(Guid runId, int attempt, RunProgress progress)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var current = db.Runs.Where(r => r.Id == runId && r.Attempt == attempt && r.Status == RunStatus.Running);
        var updated = await current.ExecuteUpdateAsync(u => u
            .SetProperty(r => r.StepsDone, progress.Step)
            .SetProperty(r => r.TotalSteps, progress.TotalSteps)
            .SetProperty(r => r.TokensSeen, progress.Tokens)
            .SetProperty(r => r.LastLoss, progress.Loss));
        return updated == 0 ? null : await current.Select(r => new Progressing(r.SweepId, r.StopReason)).FirstOrDefaultAsync();
    }

    /// <summary>Records the early-stopping verdict once: the attempt, when it ends cancelled, ends as Stopped for this reason.</summary>
    public async Task<bool> MarkStoppingAsync(Guid runId, int attempt, string reason)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await InTransactionAsync(db, async () =>
        {
            var marked = await db.Runs.Where(r => r.Id == runId && r.Attempt == attempt && r.Status == RunStatus.Running && r.StopReason == null)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.StopReason, reason)) == 1;
            if (!marked) return false;
            db.RunEvents.Add(Event(runId, attempt, RunEventKind.Note, reason, clock.GetUtcNow()));
            await db.SaveChangesAsync();
            return true;
        });
    }

    /// <summary>How a completion was taken: the result as recorded, and whether it finished the sweep.</summary>
    public sealed record Completion(RunResult Result, bool SweepFinished);

    /// <summary>
    /// Final numbers, the checkpoint artifact and the sweep's count, in one transaction: checkpoint-final for a run that
    /// succeeded, else checkpoint-latest, its last periodic one. A run that ended early reports no wall-clock time of
    /// its own; its training time is then that of its last logged step. The sweep counts the run when, and only when,
    /// the run's row turns terminal here, so a repeated completion is counted once, and the sweep's last run finishes
    /// it; a cancelled sweep counts nothing more.
    /// </summary>
    /// <returns>Null for a completion that is not the current attempt's, or that came again: nothing changed.</returns>
    public async Task<Completion?> CompleteAsync(Guid sweepId, RunResult result)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetUtcNow();
        return await InTransactionAsync(db, async () =>
        {
            var run = await db.Runs.FromSqlInterpolated($"SELECT * FROM runs WHERE id = {result.RunId} FOR UPDATE").AsNoTracking()
                .Select(r => new { r.Status, r.Attempt, r.StopReason }).FirstOrDefaultAsync();
            if (run is null || run.Status.IsTerminal() || run.Attempt != result.Attempt) return null;
            // The attempt was cancelled because the early-stopping rule stopped it: that is how this run ends.
            if (result.Status == RunStatus.Cancelled && run.StopReason is { } reason) result = result with { Status = RunStatus.Stopped, Error = reason };
            await db.Runs.Where(r => r.Id == result.RunId)
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
            var sweepFinished = await CountInSweepAsync(db, sweepId, result.Status, now);
            db.RunEvents.Add(Event(result.RunId, result.Attempt, Outcome(result.Status), Describe(result), now));
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
            }
            await db.SaveChangesAsync();
            return new Completion(result, sweepFinished);
        });
    }

    /// <returns>Whether this was the sweep's last run.</returns>
    private static async Task<bool> CountInSweepAsync(ScaleLabDb db, Guid sweepId, RunStatus status, DateTimeOffset now)
    {
        var failed = status is RunStatus.Succeeded or RunStatus.Stopped ? 0 : 1; // an early-stopped run finished as planned
        // Locked first, so two runs finishing at once are counted one after the other and exactly one of them is the last.
        var counts = await db.Sweeps.FromSqlInterpolated($"SELECT * FROM sweeps WHERE id = {sweepId} FOR UPDATE").AsNoTracking()
            .Select(s => new { s.Status, s.RunsFinished, s.RunCount }).FirstOrDefaultAsync();
        if (counts is null || counts.Status == SweepStatus.Cancelled) return false;
        var last = counts.RunsFinished + 1 >= counts.RunCount;
        await db.Sweeps.Where(s => s.Id == sweepId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.RunsFinished, s => s.RunsFinished + 1)
            .SetProperty(s => s.RunsFailed, s => s.RunsFailed + failed)
            .SetProperty(s => s.Status, s => s.RunsFinished + 1 < s.RunCount ? SweepStatus.Running
                : s.RunsFailed + failed == 0 ? SweepStatus.Succeeded : SweepStatus.CompletedWithFailures)
            .SetProperty(s => s.FinishedAt, s => s.RunsFinished + 1 < s.RunCount ? s.FinishedAt : s.FinishedAt ?? now));
        return last;
    }

    /// <summary>Retried as a unit by the execution strategy when PostgreSQL drops the connection.</summary>
    private static Task<T> InTransactionAsync<T>(ScaleLabDb db, Func<Task<T>> work) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync();
            var result = await work();
            await tx.CommitAsync();
            return result;
        });

    private static RunEvent Event(Guid runId, int attempt, RunEventKind kind, string message, DateTimeOffset at, string? slot = null) =>
        new() { RunId = runId, Attempt = attempt, At = at, Source = RunLog.Source, Kind = kind, Slot = slot, Message = RunLog.Trim(message) };

    private static RunEventKind Outcome(RunStatus status) => status switch
    {
        RunStatus.Succeeded => RunEventKind.Succeeded,
        RunStatus.Stopped => RunEventKind.Stopped,
        RunStatus.Cancelled => RunEventKind.Cancelled,
        _ => RunEventKind.Failed,
    };

    private static string Describe(RunResult result) => result.Status == RunStatus.Succeeded
        ? $"succeeded after {result.Steps} steps: loss {result.FinalLoss:F4}, val loss {result.FinalValLoss:F4}, {result.WallClockSeconds:F0} s"
        : $"{result.Status.ToString().ToLowerInvariant()}{(result.Error is null ? "" : ": " + result.Error)}";
}
