using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ScaleLab.External;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.External;

/// <summary>
/// The rows of studies and runs trained elsewhere (<see cref="ExternalStudies"/>). Ids come from names (a study's
/// from its owner and name, a run's from its study and name), so a retried call finds what the first one made; every
/// write is one transaction, and counters move only with the state change that justifies them.
/// </summary>
public sealed class ExternalStore(IDbContextFactory<ScaleLabDb> dbFactory, TimeProvider clock)
{
    public enum Outcome
    {
        Created,
        Existing,
        /// <summary>The name is taken by a study or run with other numbers.</summary>
        Conflict,
        NotFound,
        /// <summary>The study is closed, or the run finished: it takes nothing more.</summary>
        Closed,
    }

    public static Guid StudyId(string owner, string name) => DeterministicGuid.From($"external-study:{owner}:{name}");

    public static Guid RunId(Guid studyId, string name) => DeterministicGuid.From($"external-run:{studyId}:{name}");

    public static string StudySpec(string name, FlopAccounting accounting) => new JsonObject
    {
        ["name"] = name, ["kind"] = ExternalStudies.Kind,
        ["accounting"] = new JsonObject { ["parameters"] = accounting.ParametersName, ["compute"] = accounting.ComputeName },
    }.ToJsonString();

    public async Task<(Outcome Outcome, Guid Id)> OpenStudyAsync(string owner, string name, FlopAccounting accounting, CancellationToken ct)
    {
        var id = StudyId(owner, name);
        (Outcome, Guid) Found(SweepRecord study) => (SweepSpecParser.AccountingOf(study.SpecJson) == accounting ? Outcome.Existing : Outcome.Conflict, id);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Sweeps.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) is { } existing) return Found(existing);
        db.Sweeps.Add(new SweepRecord
        {
            Id = id, Name = name, Kind = ExternalStudies.Kind, Status = SweepStatus.Running, SpecJson = StudySpec(name, accounting),
            Owner = owner, CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return (Outcome.Created, id);
        }
        catch (DbUpdateException)
        {
            // A concurrent call with the same name made it first: answer as if this call had come second.
            await using var again = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            if (await again.Sweeps.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id) is not { } raced) throw;
            return Found(raced);
        }
    }

    /// <summary>How an external study counts N and compute; null when there is no such study.</summary>
    public async Task<FlopAccounting?> AccountingAsync(Guid studyId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var spec = await db.Sweeps.AsNoTracking().Where(s => s.Id == studyId && s.Kind == ExternalStudies.Kind)
            .Select(s => s.SpecJson).SingleOrDefaultAsync(ct);
        return spec is null ? null : SweepSpecParser.AccountingOf(spec);
    }

    /// <summary>
    /// A run of an open study: created with its N, D and compute, or found (same numbers) when it exists. A failed run
    /// found again is opened again as its next attempt, so a script re-run after a crash can finish it.
    /// </summary>
    public async Task<(Outcome Outcome, Guid Id)> AddRunAsync(Guid studyId, string name, long nonEmbedding, long total, long tokens, double flops,
        string configJson, CancellationToken ct)
    {
        var id = RunId(studyId, name);
        async Task<(Outcome, Guid)> FoundAsync(RunRecord run)
        {
            if (run.NonEmbeddingParameters != nonEmbedding || run.TotalParameters != total || run.PlannedTokens != tokens || !run.PlannedFlops.Equals(flops))
                return (Outcome.Conflict, id);
            if (run.Status == RunStatus.Failed) await ReopenAsync(id, ct);
            return (Outcome.Existing, id);
        }
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
            if (await read.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct) is { } existing)
                return await FoundAsync(existing);
        var now = clock.GetUtcNow();
        try
        {
            return await InTransactionAsync(async (db, tx) =>
            {
                // The study row is the lock: a close that commits first leaves nothing to add to.
                var open = await db.Sweeps.Where(s => s.Id == studyId && s.Kind == ExternalStudies.Kind && s.Status == SweepStatus.Running)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.RunCount, s => s.RunCount + 1).SetProperty(s => s.PlannedFlops, s => s.PlannedFlops + flops), ct);
                if (open == 0) return (await db.Sweeps.AnyAsync(s => s.Id == studyId && s.Kind == ExternalStudies.Kind, ct) ? Outcome.Closed : Outcome.NotFound, id);
                db.Runs.Add(new RunRecord
                {
                    Id = id, SweepId = studyId, Name = name, Status = RunStatus.Running, ConfigJson = configJson,
                    NonEmbeddingParameters = nonEmbedding, TotalParameters = total, PlannedTokens = tokens, PlannedFlops = flops,
                    Attempt = 1, SlotId = ExternalStudies.Kind, CreatedAt = now, StartedAt = now,
                });
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return (Outcome.Created, id);
            }, ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent call with the same name made it first (this transaction rolled back): answer as if this call had come second.
            await using var again = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            if (await again.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id) is not { } raced) throw;
            return await FoundAsync(raced);
        }
    }

    /// <summary>A failed run of an open study becomes its next attempt, running; the study's counters give it back.</summary>
    private Task ReopenAsync(Guid runId, CancellationToken ct) => InTransactionAsync(async (db, tx) =>
    {
        var reopened = await db.Runs
            .Where(r => r.Id == runId && r.Status == RunStatus.Failed && db.Sweeps.Any(s => s.Id == r.SweepId && s.Status == SweepStatus.Running))
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.Attempt, r => r.Attempt + 1)
                .SetProperty(r => r.Error, (string?)null).SetProperty(r => r.FinishedAt, (DateTimeOffset?)null)
                .SetProperty(r => r.FinalLoss, (double?)null).SetProperty(r => r.FinalValLoss, (double?)null), ct);
        if (reopened == 1)
            await db.Sweeps.Where(s => db.Runs.Any(r => r.Id == runId && r.SweepId == s.Id)).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.RunsFinished, s => s.RunsFinished - 1).SetProperty(s => s.RunsFailed, s => s.RunsFailed - 1), ct);
        await tx.CommitAsync(ct);
        return reopened;
    }, ct);

    /// <summary>
    /// Points of an open run, upserted by (run, name, step) as the workers' writer does; the run's progress (last step,
    /// tokens seen, last training loss) follows the largest step.
    /// </summary>
    public async Task<Outcome> WriteMetricsAsync(Guid runId, IReadOnlyList<ExternalMetricPoint> points, CancellationToken ct)
    {
        // One point per (name, step), the last sent winning: an upsert cannot touch one row twice.
        var unique = points.GroupBy(p => (p.Name!, p.Step!.Value)).Select(g => g.Last()).ToList();
        return await InTransactionAsync(async (db, tx) =>
        {
            var run = await db.Runs.FromSql($"SELECT * FROM runs WHERE id = {runId} FOR UPDATE").AsNoTracking().SingleOrDefaultAsync(ct);
            if (run is null || run.SlotId != ExternalStudies.Kind) return Outcome.NotFound;
            if (run.Status != RunStatus.Running)
                return await AlreadyStoredAsync(db, runId, unique) ? Outcome.Existing : Outcome.Closed;
            await db.Database.ExecuteSqlRawAsync(
                """
            INSERT INTO metrics (run_id, name, step, value, tokens, flops, wall_clock_s, attempt, recorded_at)
            SELECT @run, p.name, p.step, p.value, p.tokens, p.flops, p.seconds, 1, @now
              FROM unnest(@names, @steps, @values, @tokens, @flops, @seconds) AS p(name, step, value, tokens, flops, seconds)
            ON CONFLICT (run_id, name, step) DO UPDATE
               SET value = EXCLUDED.value, tokens = EXCLUDED.tokens, flops = EXCLUDED.flops,
                   wall_clock_s = EXCLUDED.wall_clock_s, recorded_at = EXCLUDED.recorded_at
            """,
                [
                    new NpgsqlParameter("run", runId), new NpgsqlParameter("now", clock.GetUtcNow()),
                new NpgsqlParameter("names", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = unique.Select(p => p.Name!).ToArray() },
                new NpgsqlParameter("steps", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = unique.Select(p => p.Step!.Value).ToArray() },
                new NpgsqlParameter("values", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = unique.Select(p => p.Value!.Value).ToArray() },
                new NpgsqlParameter("tokens", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = unique.Select(p => p.Tokens ?? 0).ToArray() },
                new NpgsqlParameter("flops", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = unique.Select(p => p.Flops ?? 0).ToArray() },
                new NpgsqlParameter("seconds", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = unique.Select(p => p.Seconds ?? 0).ToArray() },
                ], ct);
            var lastStep = unique.Max(p => p.Step!.Value);
            var lastLoss = unique.Where(p => p.Name == MetricNames.Loss).MaxBy(p => p.Step);
            var (lastLossStep, lastLossValue) = (lastLoss?.Step ?? -1, lastLoss?.Value);
            var tokens = unique.Max(p => p.Tokens ?? 0);
            await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.StepsDone, r => r.StepsDone > lastStep ? r.StepsDone : lastStep)
                .SetProperty(r => r.TokensSeen, r => r.TokensSeen > tokens ? r.TokensSeen : tokens)
                .SetProperty(r => r.LastLoss, r => lastLossStep >= r.StepsDone ? lastLossValue : r.LastLoss), ct);
            await tx.CommitAsync(ct);
            return Outcome.Existing;
        }, ct);
    }

    /// <summary>Whether every point is stored as it is: a replay after the run finished, which changes nothing.</summary>
    private static async Task<bool> AlreadyStoredAsync(ScaleLabDb db, Guid runId, IReadOnlyList<ExternalMetricPoint> points)
    {
        var names = points.Select(p => p.Name!).Distinct().ToList();
        var (low, high) = (points.Min(p => p.Step!.Value), points.Max(p => p.Step!.Value));
        var stored = (await db.Metrics.AsNoTracking()
                .Where(m => m.RunId == runId && names.Contains(m.Name) && m.Step >= low && m.Step <= high)
                .Select(m => new { m.Name, m.Step, m.Value }).ToListAsync())
            .ToDictionary(m => (m.Name, m.Step), m => m.Value);
        return points.All(p => stored.TryGetValue((p.Name!, p.Step!.Value), out var value) && value.Equals(p.Value!.Value));
    }

    /// <summary>Ends an open run once; finishing it again with the same status changes nothing.</summary>
    public Task<Outcome> FinishRunAsync(Guid runId, RunStatus status, ExternalFinishRequest finish, CancellationToken ct) =>
        InTransactionAsync(async (db, tx) =>
    {
        var run = await db.Runs.FromSql($"SELECT * FROM runs WHERE id = {runId} FOR UPDATE").AsNoTracking().SingleOrDefaultAsync(ct);
        if (run is null || run.SlotId != ExternalStudies.Kind) return Outcome.NotFound;
        if (run.Status != RunStatus.Running) return run.Status == status ? Outcome.Existing : Outcome.Conflict;
        var now = clock.GetUtcNow();
        // D for fits: what it was told, else (succeeded) the planned tokens or more if more were logged, (failed) what was logged.
        var tokens = finish.Tokens ?? (status == RunStatus.Failed ? run.TokensSeen : Math.Max(run.TokensSeen, run.PlannedTokens));
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(u => u
            .SetProperty(r => r.Status, status)
            // A run trained elsewhere has no planned step count: its last logged step is its total (so "500 / 500",
            // and its compute counts as spent).
            .SetProperty(r => r.TotalSteps, r => r.StepsDone)
            .SetProperty(r => r.FinalLoss, r => finish.FinalLoss ?? r.LastLoss)
            .SetProperty(r => r.FinalValLoss, finish.FinalValLoss)
            .SetProperty(r => r.TokensSeen, tokens)
            .SetProperty(r => r.WallClockSeconds, finish.WallClockSeconds)
            .SetProperty(r => r.Error, finish.Error)
            .SetProperty(r => r.FinishedAt, now), ct);
        var failed = status == RunStatus.Failed ? 1 : 0;
        await db.Sweeps.Where(s => s.Id == run.SweepId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.RunsFinished, s => s.RunsFinished + 1).SetProperty(s => s.RunsFailed, s => s.RunsFailed + failed), ct);
        await tx.CommitAsync(ct);
        return Outcome.Created;
    }, ct);

    /// <summary>Closes a study whose runs have all finished: it then reads Succeeded (or CompletedWithFailures).</summary>
    public Task<(Outcome Outcome, int OpenRuns)> CloseStudyAsync(Guid studyId, CancellationToken ct) =>
        InTransactionAsync(async (db, tx) =>
    {
        var study = await db.Sweeps.FromSql($"SELECT * FROM sweeps WHERE id = {studyId} FOR UPDATE").AsNoTracking().SingleOrDefaultAsync(ct);
        if (study is null || study.Kind != ExternalStudies.Kind) return (Outcome.NotFound, 0);
        if (study.Status != SweepStatus.Running) return (Outcome.Existing, 0);
        var open = await db.Runs.CountAsync(r => r.SweepId == studyId && r.Status == RunStatus.Running, ct);
        if (open > 0) return (Outcome.Conflict, open);
        var closed = study.RunsFailed > 0 ? SweepStatus.CompletedWithFailures : SweepStatus.Succeeded;
        var now = clock.GetUtcNow();
        await db.Sweeps.Where(s => s.Id == studyId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, closed).SetProperty(s => s.FinishedAt, now), ct);
        await tx.CommitAsync(ct);
        return (Outcome.Created, 0);
    }, ct);

    /// <summary>
    /// The body in a transaction of its own, retried whole by the execution strategy when PostgreSQL drops the
    /// connection (each try reads the state again). The body commits when it has something to commit.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<ScaleLabDb, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction, Task<T>> body, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            return await body(db, tx);
        });
    }
}
