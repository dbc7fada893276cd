using Orleans.Concurrency;
using ScaleLab.Catalog;
using ScaleLab.Scheduling;

namespace ScaleLab.Orchestrator.Catalog;

/// <summary>Lets Orleans clients (the dashboard) read history without a database connection of their own.</summary>
[StatelessWorker]
public sealed class CatalogGrain(CatalogQueries queries) : Grain, ICatalogGrain
{
    public Task<Page<SweepSummary>> ListSweepsAsync(int pageNumber, int pageSize, string? search) =>
        queries.ListSweepsAsync(Math.Max(1, pageNumber), Math.Clamp(pageSize, 1, 200), search);

    public Task<SweepDetail?> GetSweepAsync(Guid sweepId) => queries.GetSweepAsync(sweepId);

    public Task<RunDetail?> GetRunAsync(Guid runId) => queries.GetRunAsync(runId);

    public Task<IReadOnlyList<RunSummary>> GetRecentFailuresAsync(int count) => queries.GetRecentFailuresAsync(Math.Clamp(count, 1, 100));

    public async Task<IReadOnlyList<RunLogLine>> GetRunLogAsync(Guid runId) => await queries.GetRunLogAsync(runId) ?? [];

    public Task<MetricSeries> GetMetricAsync(Guid runId, string name, int maxPoints) =>
        queries.GetMetricAsync(runId, name, Math.Clamp(maxPoints, 2, 10_000));

    public Task<SchedulerSnapshot> GetClusterAsync() =>
        GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).GetSnapshotAsync();
}
