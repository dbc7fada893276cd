using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// The run rows the RunGrain writes. The row is the run's state: each write is guarded by the attempt it belongs to and
/// the status it expects, so a stale attempt changes nothing, a repeated call is harmless, and the row and its log line
/// commit together.
/// </summary>
public sealed class RunStore(IDbContextFactory<ScaleLabDb> dbFactory, NpgsqlDataSource db, TimeProvider clock)
{
    /// <summary>
    /// Marks the attempt as the run's current one, unless the run has finished or a newer attempt began: false then.
    /// The sweep is Running from its first start, not from its first finish (a sweep of long runs read "Queued" for hours).
    /// One statement (the row, the sweep and the log line together), as every run of a study passes here.
    /// </summary>
    public async Task<bool> BeginAttemptAsync(Guid runId, int attempt, string slotId)
    {
        await using var command = db.CreateCommand($"""
            WITH begun AS (
                UPDATE runs SET status = '{nameof(RunStatus.Running)}', attempt = $2, slot_id = $3, error = NULL, started_at = coalesce(started_at, $4)
                WHERE id = $1 AND status IN ('{nameof(RunStatus.Queued)}', '{nameof(RunStatus.Running)}') AND attempt <= $2
                RETURNING id, sweep_id),
            swept AS (
                UPDATE sweeps s SET status = '{nameof(SweepStatus.Running)}' FROM begun
                WHERE s.id = begun.sweep_id AND s.status = '{nameof(SweepStatus.Queued)}'),
            logged AS (
                INSERT INTO run_events (run_id, attempt, at, source, kind, slot, message)
                SELECT id, $2, $4, '{RunLog.Source}', '{nameof(RunEventKind.Assigned)}', $3, $5 FROM begun)
            SELECT count(*) FROM begun
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = slotId });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = RunLog.Trim($"attempt {attempt} assigned to slot {slotId}") });
        return (long)(await command.ExecuteScalarAsync())! == 1;
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

    /// <summary>
    /// How a completion was taken: the result as recorded, whether it finished the sweep, and whether the sweep is an
    /// adaptive study still choosing runs (which then wants to hear of every run that ends).
    /// </summary>
    public sealed record Completion(RunResult Result, bool SweepFinished, bool DesignOpen = false);

    /// <summary>
    /// Final numbers, the checkpoint artifact, the log line and the sweep's count, in one statement (so they commit
    /// together, and a completion costs one round trip): checkpoint-final for a run that succeeded, else
    /// checkpoint-latest, its last periodic one. A cancelled attempt of a run the early-stopping rule stopped ends as
    /// Stopped, for that reason. A run that ended early reports no wall-clock time of its own; its training time is
    /// then that of its last logged step. The sweep counts the run when, and only when, the run's row turns terminal
    /// here, so a repeated completion is counted once, and the sweep's last run finishes it (the count is taken under
    /// the sweep row's lock, so of two runs finishing at once exactly one is the last); a cancelled sweep counts
    /// nothing more, and an adaptive study still choosing runs (design_open) does not finish.
    /// </summary>
    /// <returns>Null for a completion that is not the current attempt's, or that came again: nothing changed.</returns>
    public async Task<Completion?> CompleteAsync(Guid sweepId, RunResult result)
    {
        var (stopped, succeeded) = (nameof(RunStatus.Stopped), nameof(RunStatus.Succeeded));
        await using var command = db.CreateCommand($"""
            WITH done AS (
                UPDATE runs r SET
                    status = CASE WHEN $2 = '{nameof(RunStatus.Cancelled)}' AND r.stop_reason IS NOT NULL THEN '{stopped}' ELSE $2 END,
                    error = CASE WHEN $2 = '{nameof(RunStatus.Cancelled)}' AND r.stop_reason IS NOT NULL THEN r.stop_reason ELSE left($4, 4000) END,
                    -- A cancelled or failed attempt reports no steps of its own; the progress it had made stays on record.
                    steps_done = greatest(r.steps_done, $5), tokens_seen = greatest(r.tokens_seen, $6),
                    final_loss = $7, last_loss = coalesce($7, r.last_loss), final_val_loss = $8,
                    wall_clock_s = CASE WHEN $9 > 0 THEN $9 ELSE (SELECT max(m.wall_clock_s) FROM metrics m WHERE m.run_id = r.id) END,
                    finished_at = $10
                WHERE r.id = $1 AND r.attempt = $3 AND r.status IN ('{nameof(RunStatus.Queued)}', '{nameof(RunStatus.Running)}')
                RETURNING r.id, r.status, r.error),
            counted AS (
                UPDATE sweeps s SET
                    runs_finished = s.runs_finished + 1,
                    runs_failed = s.runs_failed + failed.n,
                    status = CASE WHEN s.runs_finished + 1 < s.run_count OR s.design_open THEN '{nameof(SweepStatus.Running)}'
                        WHEN s.runs_failed + failed.n = 0 THEN '{nameof(SweepStatus.Succeeded)}' ELSE '{nameof(SweepStatus.CompletedWithFailures)}' END,
                    finished_at = CASE WHEN s.runs_finished + 1 < s.run_count OR s.design_open THEN s.finished_at ELSE coalesce(s.finished_at, $10) END
                FROM done, LATERAL (SELECT CASE WHEN done.status IN ('{succeeded}', '{stopped}') THEN 0 ELSE 1 END AS n) failed
                WHERE s.id = $11 AND s.status <> '{nameof(SweepStatus.Cancelled)}'
                RETURNING s.runs_finished >= s.run_count AND NOT s.design_open AS last, s.design_open AS open),
            logged AS (
                INSERT INTO run_events (run_id, attempt, at, source, kind, message)
                SELECT done.id, $3, $10, '{RunLog.Source}',
                    CASE WHEN done.status = '{stopped}' AND $2 <> '{stopped}' THEN '{nameof(RunEventKind.Stopped)}' ELSE $12 END,
                    CASE WHEN done.status = '{stopped}' AND $2 <> '{stopped}' THEN left('stopped: ' || done.error, 2000) ELSE $13 END
                FROM done),
            stored AS (
                INSERT INTO artifacts (id, run_id, kind, name, uri, bytes, created_at)
                SELECT $14, done.id, 'checkpoint', CASE WHEN done.status = '{succeeded}' THEN 'checkpoint-final' ELSE 'checkpoint-latest' END, $15, $16, $10
                FROM done WHERE $15::text IS NOT NULL
                ON CONFLICT (run_id, name) DO NOTHING)
            SELECT done.status, done.error, coalesce((SELECT last FROM counted), false), coalesce((SELECT open FROM counted), false) FROM done
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = result.RunId });
        command.Parameters.Add(new NpgsqlParameter { Value = result.Status.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = result.Attempt });
        command.Parameters.Add(Nullable(result.Error, NpgsqlDbType.Text));
        command.Parameters.Add(new NpgsqlParameter { Value = result.Steps });
        command.Parameters.Add(new NpgsqlParameter { Value = result.Tokens });
        command.Parameters.Add(Nullable(result.FinalLoss, NpgsqlDbType.Double));
        command.Parameters.Add(Nullable(result.FinalValLoss, NpgsqlDbType.Double));
        command.Parameters.Add(new NpgsqlParameter { Value = result.WallClockSeconds });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = sweepId });
        command.Parameters.Add(new NpgsqlParameter { Value = Outcome(result.Status).ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = RunLog.Trim(Describe(result)) });
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        command.Parameters.Add(Nullable(result.CheckpointUri, NpgsqlDbType.Text));
        command.Parameters.Add(new NpgsqlParameter { Value = result.CheckpointBytes });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        var status = Enum.Parse<RunStatus>(reader.GetString(0));
        var recorded = status == result.Status ? result : result with { Status = status, Error = reader.IsDBNull(1) ? null : reader.GetString(1) };
        return new Completion(recorded, reader.GetBoolean(2), reader.GetBoolean(3));
    }

    /// <summary>Whether runs wait to branch off this one (a ladder's trunk): its success is their cue to be queued.</summary>
    public async Task<bool> HasWaitingBranchesAsync(Guid runId)
    {
        await using var command = db.CreateCommand($"SELECT EXISTS (SELECT 1 FROM runs WHERE parent_run_id = $1 AND status = '{nameof(RunStatus.Queued)}')");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Ends as Failed, through <see cref="CompleteAsync"/> (so the sweep counts them), the sweep's waiting branches whose
    /// parent ended without success: the checkpoint they would start from will never exist. Returns whether that
    /// finished the sweep. Called when a run ends and by the sweep's reminder, so a crash in between loses nothing.
    /// </summary>
    public async Task<bool> FailOrphanedBranchesAsync(Guid sweepId)
    {
        var orphans = new List<(Guid Id, int Attempt, string Reason)>();
        await using (var command = db.CreateCommand($"""
            SELECT c.id, c.attempt, p.name, p.status FROM runs c JOIN runs p ON p.id = c.parent_run_id
            WHERE c.sweep_id = $1 AND c.status = '{nameof(RunStatus.Queued)}'
              AND p.status IN ('{nameof(RunStatus.Failed)}', '{nameof(RunStatus.Cancelled)}', '{nameof(RunStatus.Stopped)}')
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = sweepId });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                orphans.Add((reader.GetGuid(0), reader.GetInt32(1),
                    $"the run it branches off ('{reader.GetString(2)}') ended {reader.GetString(3)}, so the checkpoint it starts from does not exist"));
        }
        var finished = false;
        foreach (var (id, attempt, reason) in orphans)
            finished |= await CompleteAsync(sweepId, new RunResult(id, attempt, RunStatus.Failed, 0, 0, 0, null, null, null, 0, 0, reason)) is { SweepFinished: true };
        return finished;
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

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
