namespace ScaleLab.Catalog;

/// <summary>Read-only queries over the stored history (PostgreSQL), for the dashboard and other Orleans clients.</summary>
public interface ICatalogGrain : IGrainWithIntegerKey
{
    Task<Page<SweepSummary>> ListSweepsAsync(int pageNumber, int pageSize, string? search, Sweeps.SweepStatus? status = null);

    Task<SweepDetail?> GetSweepAsync(Guid sweepId);

    Task<RunDetail?> GetRunAsync(Guid runId);

    /// <summary>One metric's curve, downsampled to at most <paramref name="maxPoints"/> points.</summary>
    Task<MetricSeries> GetMetricAsync(Guid runId, string name, int maxPoints);

    /// <summary>One metric of many runs (a sweep's curves) in one call, each downsampled to at most <paramref name="maxPointsPerRun"/> points.</summary>
    Task<IReadOnlyList<MetricSeries>> GetMetricsAsync(IReadOnlyList<Guid> runIds, string name, int maxPointsPerRun);

    /// <summary>Fits a scaling law to the finished runs of sweeps (nothing is stored: POST /api/fits records a fit).</summary>
    Task<ScalingView> FitSweepsAsync(ScalingQuery query);

    /// <summary>Each arm of a sweep at its best learning rate (as GET /api/sweeps/{id}/arms); null when there is no such sweep.</summary>
    Task<IReadOnlyList<Analysis.ArmResult>?> GetArmsAsync(Guid sweepId);

    Task<Scheduling.SchedulerSnapshot> GetClusterAsync();

    /// <summary>The latest failed runs, newest first.</summary>
    Task<IReadOnlyList<RunSummary>> GetRecentFailuresAsync(int count);

    /// <summary>The run's log, oldest first (at most 10,000 lines).</summary>
    Task<IReadOnlyList<RunLogLine>> GetRunLogAsync(Guid runId);
}
