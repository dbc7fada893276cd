using Orleans.Concurrency;
using ScaleLab.Analysis;
using ScaleLab.Catalog;
using ScaleLab.Orchestrator.Scaling;
using ScaleLab.Scaling;
using ScaleLab.Scheduling;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Catalog;

/// <summary>Lets Orleans clients (the dashboard) read history without a database connection of their own.</summary>
[StatelessWorker]
public sealed class CatalogGrain(CatalogQueries queries, SweepPoints sweepPoints, FitRunner fitter) : Grain, ICatalogGrain
{
    public Task<Page<SweepSummary>> ListSweepsAsync(int pageNumber, int pageSize, string? search, ScaleLab.Sweeps.SweepStatus? status) =>
        queries.ListSweepsAsync(Math.Max(1, pageNumber), Math.Clamp(pageSize, 1, 200), search, status: status);

    public Task<SweepDetail?> GetSweepAsync(Guid sweepId) => queries.GetSweepAsync(sweepId);

    public Task<RunDetail?> GetRunAsync(Guid runId) => queries.GetRunAsync(runId);

    public Task<IReadOnlyList<RunSummary>> GetRecentFailuresAsync(int count) => queries.GetRecentFailuresAsync(Math.Clamp(count, 1, 100));

    public async Task<IReadOnlyList<RunLogLine>> GetRunLogAsync(Guid runId) => await queries.GetRunLogAsync(runId) ?? [];

    public Task<MetricSeries> GetMetricAsync(Guid runId, string name, int maxPoints) =>
        queries.GetMetricAsync(runId, name, Math.Clamp(maxPoints, 2, 10_000));

    public Task<IReadOnlyList<MetricSeries>> GetMetricsAsync(IReadOnlyList<Guid> runIds, string name, int maxPointsPerRun) =>
        runIds.Count > 5000
            ? throw new ArgumentException("at most 5000 runs per call", nameof(runIds))
            : queries.GetMetricsAsync(runIds, name, Math.Clamp(maxPointsPerRun, 2, 10_000));

    public async Task<ScalingView> FitSweepsAsync(ScalingQuery query)
    {
        var errors = new ValidationErrors();
        query.Validate(errors);
        if (!errors.IsEmpty) return new ScalingView([], null, errors.ToDictionary());
        var (points, missing, accounting) = await sweepPoints.LoadAsync(query.SweepIds, query.GroupBy, errors, CancellationToken.None);
        foreach (var id in missing) errors.Add("sweepIds", $"no sweep {id}");
        var options = new FitOptions
        {
            Compute = accounting.Compute,
            Law = query.Law, Bootstrap = query.Bootstrap, TargetCompute = query.TargetCompute, Confidence = query.Confidence,
        };
        // The dashboard's fits need no key, so they share the bounded fitter with the API's (which also keeps the CPU
        // work off the grain's scheduler).
        var result = errors.IsEmpty ? (await fitter.RunAsync(points, options, errors, CancellationToken.None)).Result : null;
        return new ScalingView(points, result, errors.ToDictionary());
    }

    public async Task<IReadOnlyList<ArmResult>?> GetArmsAsync(Guid sweepId) =>
        await queries.GetScoredRunsAsync(sweepId) is { } runs ? ArmComparison.BestPerArm(runs) : null;

    public Task<SchedulerSnapshot> GetClusterAsync() =>
        GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).GetSnapshotAsync();
}
