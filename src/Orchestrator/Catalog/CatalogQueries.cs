using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Catalog;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Catalog;

/// <summary>Read-only views of sweeps, runs and metrics, shared by the REST API and the catalog grain.</summary>
public sealed class CatalogQueries(IDbContextFactory<ScaleLabDb> dbFactory)
{
    /// <param name="idRange">Only sweeps whose id lies in this range (those whose id begins with a prefix): a range scan of the primary key.</param>
    public async Task<Page<SweepSummary>> ListSweepsAsync(int pageNumber, int pageSize, string? search, CancellationToken ct = default,
        SweepStatus? status = null, string? kind = null, bool includeArchived = false, string? tag = null, IdRange? idRange = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Sweeps.AsNoTracking();
        if (idRange is not null) query = query.Where(s => s.Id >= idRange.First && s.Id <= idRange.Last);
        if (!includeArchived) query = query.Where(s => !s.Archived);
        if (tag is not null) query = query.Where(s => s.Tags.Contains(tag));
        if (status is { } st) query = query.Where(s => s.Status == st);
        if (kind is not null) query = query.Where(s => s.Kind == kind);
        if (!string.IsNullOrWhiteSpace(search))
            query = query.Where(s => EF.Functions.ILike(s.Name, "%" + EscapeLike(search) + "%", "\\"));
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(s => s.CreatedAt)
            .Skip((pageNumber - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var ids = rows.Select(s => s.Id).ToList();
        // Compute spent: each run's planned FLOPs times the fraction of its steps done by itself (a branch's first steps are its parent's).
        var used = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.SweepId) && r.TotalSteps > 0)
            .GroupBy(r => r.SweepId)
            .Select(g => new { g.Key, Flops = g.Sum(r => r.PlannedFlops * Math.Max(0, r.StepsDone - r.FirstStep) / r.TotalSteps) })
            .ToDictionaryAsync(g => g.Key, g => g.Flops, ct);
        var stopped = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.SweepId) && r.Status == RunStatus.Stopped)
            .GroupBy(r => r.SweepId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return new Page<SweepSummary>(rows.Select(s => ToSummary(s) with { UsedFlops = used.GetValueOrDefault(s.Id), RunsStopped = stopped.GetValueOrDefault(s.Id) }).ToList(),
            total, pageNumber, pageSize);
    }

    public async Task<SweepDetail?> GetSweepAsync(Guid sweepId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sweep = await db.Sweeps.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sweepId, ct);
        if (sweep is null) return null;
        var runs = await db.Runs.AsNoTracking().Where(r => r.SweepId == sweepId)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Name).ToListAsync(ct);
        // The same rule as the list's: each run's planned FLOPs times the fraction of its steps done by itself.
        var used = runs.Where(r => r.TotalSteps > 0).Sum(r => r.PlannedFlops * Math.Max(0, r.StepsDone - r.FirstStep) / r.TotalSteps);
        return new SweepDetail(ToSummary(sweep) with { UsedFlops = used, RunsStopped = runs.Count(r => r.Status == RunStatus.Stopped) },
            sweep.SpecJson, runs.Select(ToSummary).ToList(), sweep.Notes,
            sweep.DesignJson is null ? null : JsonSerializer.Deserialize<AdaptiveLog>(sweep.DesignJson, SpecJson.Options));
    }

    /// <summary>The config fields that vary across a sweep's runs and each run's values, or null when there is no such sweep.</summary>
    public async Task<SweepFields?> GetSweepFieldsAsync(Guid sweepId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Sweeps.AnyAsync(s => s.Id == sweepId, ct)) return null;
        var runs = await db.Runs.AsNoTracking().Where(r => r.SweepId == sweepId).Select(r => new { r.Id, r.ConfigJson }).ToListAsync(ct);
        return SweepFields.Of(runs.Select(r => (r.Id, r.ConfigJson)));
    }

    /// <summary>A sweep's runs with their configs and final validation loss (succeeded runs only are scored), or null.</summary>
    public async Task<IReadOnlyList<Analysis.ScoredRun>?> GetScoredRunsAsync(Guid sweepId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Sweeps.AnyAsync(s => s.Id == sweepId, ct)) return null;
        var runs = await db.Runs.AsNoTracking().Where(r => r.SweepId == sweepId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Name)
            .Select(r => new { r.Id, r.ConfigJson, r.Status, r.FinalValLoss }).ToListAsync(ct);
        return runs.Select(r => new Analysis.ScoredRun(r.Id, JsonSerializer.Deserialize<RunConfig>(r.ConfigJson, SpecJson.Options)!,
            r.Status == RunStatus.Succeeded ? r.FinalValLoss : null, r.Status)).ToList();
    }

    public async Task<IReadOnlyList<RunSummary>> GetRecentFailuresAsync(int count, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Failed)
            .OrderBy(r => r.FinishedAt == null).ThenByDescending(r => r.FinishedAt).Take(count).ToListAsync(ct); // PostgreSQL sorts NULL first when descending
        return rows.Select(ToSummary).ToList();
    }

    /// <summary>The run's log, oldest first, or null when there is no such run.</summary>
    public async Task<IReadOnlyList<RunLogLine>?> GetRunLogAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Runs.AnyAsync(r => r.Id == runId, ct)) return null;
        return await db.RunEvents.AsNoTracking().Where(e => e.RunId == runId).OrderBy(e => e.Id).Take(10_000)
            .Select(e => new RunLogLine(e.At, e.Attempt, e.Source, e.Message, e.Kind, e.Slot, e.Step)).ToListAsync(ct);
    }

    public async Task<RunDetail?> GetRunAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null) return null;
        var artifacts = await db.Artifacts.AsNoTracking().Where(a => a.RunId == runId).OrderBy(a => a.CreatedAt)
            .Select(a => new { a.Kind, a.Name, a.Bytes, a.CreatedAt }).ToListAsync(ct);
        var names = await db.Metrics.AsNoTracking().Where(m => m.RunId == runId).Select(m => m.Name).Distinct().OrderBy(n => n).ToListAsync(ct);
        // Its lineage: the run it branched off, and the runs that branch off it, each by the step where they part.
        var kin = await db.Runs.AsNoTracking().Where(r => r.Id == run.ParentRunId || r.ParentRunId == runId).OrderBy(r => r.FirstStep)
            .Select(r => new { r.Id, r.Name, r.Status, r.FirstStep, r.ParentRunId }).ToListAsync(ct);
        var parent = kin.FirstOrDefault(r => r.Id == run.ParentRunId);
        return new RunDetail(ToSummary(run), JsonSerializer.Deserialize<RunConfig>(run.ConfigJson, SpecJson.Options)!,
            artifacts.Select(a => new ArtifactView(a.Kind, a.Name, $"api/runs/{runId}/artifacts/{Uri.EscapeDataString(a.Name)}", a.Bytes, a.CreatedAt)).ToList(),
            names)
        {
            Parent = parent is null ? null : new RunLink(parent.Id, parent.Name, parent.Status, run.FirstStep),
            Branches = kin.Where(r => r.ParentRunId == runId).Select(r => new RunLink(r.Id, r.Name, r.Status, r.FirstStep)).ToList(),
        };
    }

    /// <summary>One metric's curve, thinned to at most <paramref name="maxPoints"/> evenly spaced points (the last point always kept).</summary>
    public async Task<MetricSeries> GetMetricAsync(Guid runId, string name, int maxPoints, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var points = await db.Metrics.AsNoTracking().Where(m => m.RunId == runId && m.Name == name)
            .OrderBy(m => m.Step).Select(m => new { m.Step, m.Value, m.Tokens, m.Flops }).ToListAsync(ct);
        var stride = Math.Max(1, (int)Math.Ceiling(points.Count / (double)Math.Max(1, maxPoints)));
        var kept = points.Where((p, i) => i % stride == 0 || i == points.Count - 1).ToList();
        return new MetricSeries(runId, name, kept.Select(p => p.Step).ToList(), kept.Select(p => p.Value).ToList(),
            kept.Select(p => p.Tokens).ToList(), kept.Select(p => p.Flops).ToList());
    }

    /// <summary>
    /// One metric for many runs in one query, each curve thinned in the database to at most
    /// <paramref name="maxPointsPerRun"/> evenly spaced points (its last point always kept): a 1,000-run sweep is one
    /// round trip, and only the points drawn leave PostgreSQL.
    /// </summary>
    public async Task<IReadOnlyList<MetricSeries>> GetMetricsAsync(IReadOnlyList<Guid> runIds, string name, int maxPointsPerRun, CancellationToken ct = default)
    {
        if (runIds.Count == 0) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = runIds.Distinct().ToArray();
        var rows = await db.Database.SqlQuery<ThinnedPoint>($"""
            SELECT run_id AS "RunId", step AS "Step", value AS "Value", tokens AS "Tokens", flops AS "Flops" FROM (
                SELECT run_id, step, value, tokens, flops,
                       row_number() OVER (PARTITION BY run_id ORDER BY step) - 1 AS i,
                       count(*) OVER (PARTITION BY run_id) AS n
                FROM metrics WHERE run_id = ANY({ids}) AND name = {name}) t
            WHERE i % GREATEST(1, CEIL(n::float8 / {maxPointsPerRun}))::bigint = 0 OR i = n - 1
            ORDER BY run_id, step
            """).ToListAsync(ct);
        var byRun = rows.GroupBy(r => r.RunId).ToDictionary(g => g.Key, g => g.ToList());
        return ids.Select(id => byRun.TryGetValue(id, out var points)
            ? new MetricSeries(id, name, points.Select(p => p.Step).ToList(), points.Select(p => p.Value).ToList(),
                points.Select(p => p.Tokens).ToList(), points.Select(p => p.Flops).ToList())
            : new MetricSeries(id, name, [], [], [], [])).ToList();
    }

    private sealed record ThinnedPoint(Guid RunId, int Step, double Value, long Tokens, double Flops);

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    internal static SweepSummary ToSummary(SweepRecord s) => new(
        s.Id, s.Name, s.Kind, s.Status, s.RunCount, s.RunsFinished, s.RunsFailed, s.PlannedFlops, s.CreatedAt, s.FinishedAt, Owner: s.Owner,
        Tags: s.Tags, Archived: s.Archived);

    internal static RunSummary ToSummary(RunRecord r) => new(
        r.Id, r.SweepId, r.Name, r.Status, r.NonEmbeddingParameters, r.TotalParameters, r.PlannedTokens, r.PlannedFlops,
        r.Attempt, r.StepsDone, r.TotalSteps, r.LastLoss, r.FinalLoss, r.FinalValLoss, r.SlotId, r.Error, r.WallClockSeconds, r.ParentRunId, r.FirstStep);
}
