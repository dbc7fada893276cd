using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Sweeps;

/// <summary>The sweep rows the SweepGrain writes. Every write is idempotent, since a grain call may be retried.</summary>
public sealed class SweepStore(IDbContextFactory<ScaleLabDb> dbFactory, TimeProvider clock)
{
    /// <summary>
    /// Stores the sweep and all its runs in one transaction: either everything is accepted or nothing is. An adaptive
    /// study (<paramref name="design"/>) stores the runs of its first step, and stays open for more.
    /// </summary>
    public async Task CreateAsync(Guid sweepId, SweepSpec spec, string specJson, IReadOnlyList<PlannedRun> runs, string owner,
        AdaptiveLog? design = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            if (await db.Sweeps.AnyAsync(s => s.Id == sweepId, ct)) return;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Sweeps.Add(new SweepRecord
            {
                Id = sweepId,
                Name = spec.Name,
                Kind = spec.Kind,
                Status = SweepStatus.Queued,
                Priority = spec.Priority,
                SpecJson = specJson,
                Owner = owner,
                RunCount = runs.Count,
                PlannedFlops = runs.Sum(r => r.OwnFlops),
                DesignOpen = design is { Stop: null },
                DesignJson = design is null ? null : JsonSerializer.Serialize(design, SpecJson.Options),
                CreatedAt = now,
            });
            db.Runs.AddRange(runs.Select(r => Row(sweepId, r, now)));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    private static RunRecord Row(Guid sweepId, PlannedRun r, DateTimeOffset now) => new()
    {
        Id = r.RunId,
        SweepId = sweepId,
        Name = r.Name,
        Status = RunStatus.Queued,
        ConfigJson = JsonSerializer.Serialize(r.Config, SpecJson.Options),
        NonEmbeddingParameters = r.NonEmbeddingParameters,
        TotalParameters = r.TotalParameters,
        PlannedTokens = r.Config.Tokens,
        PlannedFlops = r.Flops,
        ParentRunId = r.Config.InitFrom?.Run,
        FirstStep = r.FirstStep,
        TotalSteps = r.Config.Steps,
        CreatedAt = now,
    };

    /// <summary>What an adaptive study's next step reads: its spec, the status of each run it has, and its record.</summary>
    public sealed record DesignState(string SpecJson, IReadOnlyDictionary<Guid, RunStatus> Runs, AdaptiveLog? Log, bool Open);

    public async Task<DesignState> DesignAsync(Guid sweepId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sweep = await db.Sweeps.AsNoTracking().Where(s => s.Id == sweepId).Select(s => new { s.SpecJson, s.DesignJson, s.DesignOpen }).SingleAsync(ct);
        var runs = await db.Runs.AsNoTracking().Where(r => r.SweepId == sweepId).Select(r => new { r.Id, r.Status }).ToDictionaryAsync(r => r.Id, r => r.Status, ct);
        return new DesignState(sweep.SpecJson, runs, sweep.DesignJson is null ? null : JsonSerializer.Deserialize<AdaptiveLog>(sweep.DesignJson, SpecJson.Options), sweep.DesignOpen);
    }

    /// <summary>
    /// Adds an adaptive study's next runs and its record in one transaction, while the design is open (not after it
    /// stopped or the sweep was cancelled). A run already stored (the same step taken twice) is not added again.
    /// </summary>
    /// <returns>How many runs were added.</returns>
    public async Task<int> AddRunsAsync(Guid sweepId, IReadOnlyList<PlannedRun> runs, AdaptiveLog log, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = JsonSerializer.Serialize(log, SpecJson.Options);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = runs.Select(r => r.RunId).ToList();
            var present = await db.Runs.Where(r => ids.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct);
            var added = runs.Where(r => !present.Contains(r.RunId)).ToList();
            var now = clock.GetUtcNow();
            var flops = added.Sum(r => r.OwnFlops);
            // The row lock taken here orders this against a run completing (RunStore.CompleteAsync counts under it).
            if (await db.Sweeps.Where(s => s.Id == sweepId && s.DesignOpen && s.Status != SweepStatus.Cancelled).ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.RunCount, s => s.RunCount + added.Count)
                    .SetProperty(s => s.PlannedFlops, s => s.PlannedFlops + flops)
                    .SetProperty(s => s.DesignJson, json), ct) == 0)
                return 0;
            db.Runs.AddRange(added.Select(r => Row(sweepId, r, now)));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return added.Count;
        });
    }

    /// <summary>
    /// Ends an adaptive study's choosing with its record; the sweep finishes here when its runs already have (else its
    /// last run finishes it, as any sweep's). Returns whether the sweep is finished.
    /// </summary>
    public async Task<bool> CloseDesignAsync(Guid sweepId, AdaptiveLog log, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var json = JsonSerializer.Serialize(log, SpecJson.Options);
        var now = clock.GetUtcNow();
        await db.Sweeps.Where(s => s.Id == sweepId && s.DesignOpen).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.DesignOpen, false)
            .SetProperty(s => s.DesignJson, json)
            .SetProperty(s => s.Status, s => s.Status == SweepStatus.Cancelled || s.RunsFinished < s.RunCount ? s.Status
                : s.RunsFailed == 0 ? SweepStatus.Succeeded : SweepStatus.CompletedWithFailures)
            .SetProperty(s => s.FinishedAt, s => s.Status == SweepStatus.Cancelled || s.RunsFinished < s.RunCount ? s.FinishedAt : now), ct);
        return await IsFinishedAsync(sweepId, ct);
    }

    /// <summary>The sweep and its not-yet-started runs become Cancelled; running runs follow when their attempt stops.</summary>
    public async Task CancelAsync(Guid sweepId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.Runs.Where(r => r.SweepId == sweepId && r.Status == RunStatus.Queued).ExecuteUpdateAsync(u => u
            .SetProperty(r => r.Status, RunStatus.Cancelled)
            .SetProperty(r => r.FinishedAt, now), ct);
        await db.Sweeps.Where(s => s.Id == sweepId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, SweepStatus.Cancelled)
            .SetProperty(s => s.FinishedAt, now), ct);
    }

    /// <returns>Whether the sweep exists.</returns>
    public async Task<bool> AnnotateAsync(Guid sweepId, ScaleLab.Catalog.SweepAnnotations change, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sweep = await db.Sweeps.FirstOrDefaultAsync(s => s.Id == sweepId, ct);
        if (sweep is null) return false;
        if (change.Tags is not null) sweep.Tags = ScaleLab.Catalog.SweepAnnotations.Normalise(change.Tags);
        if (change.Notes is not null) sweep.Notes = change.Notes;
        if (change.Archived is { } archived) sweep.Archived = archived;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// A run's budget and frontier group, and the runs of the sweep at that budget as law-based stopping sees them (<see cref="LawStopping.Rival"/>):
    /// a succeeded run by its final training loss, a queued or running one by the high end of its latest prediction
    /// (<paramref name="predictedHigh"/>), a stopped, failed or cancelled one as out. Read by budget in SQL, so a large
    /// sweep costs the runs of one budget.
    /// </summary>
    public async Task<(double Flops, double Parameters, string Group, IReadOnlyList<LawStopping.Rival> Rivals)> RivalsAsync(Guid sweepId, Guid runId,
        IReadOnlyDictionary<Guid, double> predictedHigh, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.PlannedFlops, r.NonEmbeddingParameters, r.ConfigJson }).SingleAsync(ct);
        var flops = run.PlannedFlops;
        var (low, high) = (flops / Math.Pow(10, ScaleLab.Scaling.IsoFlopAnalysis.BudgetTolerance), flops * Math.Pow(10, ScaleLab.Scaling.IsoFlopAnalysis.BudgetTolerance));
        var runs = await db.Runs.AsNoTracking().Where(r => r.SweepId == sweepId && r.PlannedFlops >= low && r.PlannedFlops <= high)
            .Select(r => new { r.Id, r.Name, r.PlannedFlops, r.NonEmbeddingParameters, r.ConfigJson, r.Status, r.FinalLoss }).ToListAsync(ct);
        static string Group(string configJson) => LawStopping.Group(JsonSerializer.Deserialize<RunConfig>(configJson, SpecJson.Options)!);
        return (flops, run.NonEmbeddingParameters, Group(run.ConfigJson), [.. runs.Select(r => new LawStopping.Rival(r.Id, r.Name, r.PlannedFlops, r.NonEmbeddingParameters, Group(r.ConfigJson),
            r.Status switch
            {
                RunStatus.Succeeded => LawStopping.RivalStatus.Finished,
                RunStatus.Queued or RunStatus.Running => LawStopping.RivalStatus.Training,
                _ => LawStopping.RivalStatus.Out,
            },
            r.Status == RunStatus.Succeeded ? r.FinalLoss : predictedHigh.TryGetValue(r.Id, out var h) ? h : null))]);
    }

    /// <summary>Whether the sweep has reached a terminal status (all its runs finished, or cancelled).</summary>
    public async Task<bool> IsFinishedAsync(Guid sweepId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Sweeps.AnyAsync(s => s.Id == sweepId
            && (s.Status == SweepStatus.Succeeded || s.Status == SweepStatus.CompletedWithFailures || s.Status == SweepStatus.Cancelled), ct);
    }
}
