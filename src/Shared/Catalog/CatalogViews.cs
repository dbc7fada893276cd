using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Catalog;

/// <summary>
/// A sweep as listed: what it is and how far along; <see cref="UsedFlops"/> is the training compute spent so far,
/// <see cref="Owner"/> who submitted it ("key 1a2b3c4d", "schedule NAME").
/// </summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.SweepSummary")]
public sealed record SweepSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] SweepStatus Status,
    [property: Id(4)] int RunCount,
    [property: Id(5)] int RunsFinished,
    [property: Id(6)] int RunsFailed,
    [property: Id(7)] double PlannedFlops,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? FinishedAt,
    [property: Id(10)] double UsedFlops = 0,
    [property: Id(11)] string Owner = "",
    [property: Id(12)] int RunsStopped = 0,
    [property: Id(13)] IReadOnlyList<string>? Tags = null,
    [property: Id(14)] bool Archived = false)
{
    /// <summary>The status as people read it: "Succeeded, 24 stopped early" when early stopping ended runs.</summary>
    public string StatusText => RunsStopped > 0 ? $"{Status}, {RunsStopped} stopped early" : Status.ToString();
}

[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.SweepDetail")]
public sealed record SweepDetail(
    [property: Id(0)] SweepSummary Sweep,
    [property: Id(1)] string SpecJson,
    [property: Id(2)] IReadOnlyList<RunSummary> Runs,
    [property: Id(3)] string Notes = "");

/// <summary>A run with its accounting and latest numbers.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.RunSummary")]
public sealed record RunSummary(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid SweepId,
    [property: Id(2)] string Name,
    [property: Id(3)] RunStatus Status,
    [property: Id(4)] long NonEmbeddingParameters,
    [property: Id(5)] long TotalParameters,
    [property: Id(6)] long PlannedTokens,
    [property: Id(7)] double PlannedFlops,
    [property: Id(8)] int Attempt,
    [property: Id(9)] int StepsDone,
    [property: Id(10)] int TotalSteps,
    [property: Id(11)] double? LastLoss,
    [property: Id(12)] double? FinalLoss,
    [property: Id(13)] double? FinalValLoss,
    [property: Id(14)] string? SlotId,
    [property: Id(15)] string? Error,
    [property: Id(16)] double? WallClockSeconds);

[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.RunDetail")]
public sealed record RunDetail(
    [property: Id(0)] RunSummary Run,
    [property: Id(1)] RunConfig Config,
    [property: Id(2)] IReadOnlyList<ArtifactView> Artifacts,
    [property: Id(3)] IReadOnlyList<string> MetricNames);

/// <summary>An artifact of a run; <see cref="Download"/> is the API path that serves it (the blob's own address stays internal).</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.ArtifactView")]
public sealed record ArtifactView(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string Download,
    [property: Id(3)] long Bytes,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>One metric's curve; <see cref="Steps"/> and <see cref="Values"/> are parallel.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.MetricSeries")]
public sealed record MetricSeries(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<int> Steps,
    [property: Id(3)] IReadOnlyList<double> Values,
    [property: Id(4)] IReadOnlyList<long>? Tokens = null,
    [property: Id(5)] IReadOnlyList<double>? Flops = null)
{
    /// <summary>Tokens trained on at each point, as logged (empty for a curve without points).</summary>
    public IReadOnlyList<long> TokensAt => Tokens ?? [];

    /// <summary>Training FLOPs spent by each point, as the study counts them.</summary>
    public IReadOnlyList<double> FlopsAt => Flops ?? [];
}

[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.Page`1")]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int PageNumber,
    [property: Id(3)] int PageSize);

/// <summary>One line of a run's log: when, which attempt, who wrote it (orchestrator or worker), what happened.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Catalog.RunLogLine")]
public sealed record RunLogLine(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string Source,
    [property: Id(3)] string Message,
    [property: Id(4)] Runs.RunEventKind Kind = Runs.RunEventKind.Note,
    [property: Id(5)] string? Slot = null,
    [property: Id(6)] int? Step = null);

/// <summary>One metric of many runs, each curve downsampled to at most <see cref="PointsPerRun"/> points (a sweep's curves in one call).</summary>
public sealed record CurvesQuery(IReadOnlyList<Guid> RunIds, string Metric = MetricNames.Loss, int PointsPerRun = 200)
{
    /// <summary>Runs per call: a 1,000-run sweep fits; a page asks again for more.</summary>
    public const int MaxRuns = 5000;
}

/// <summary>A stored fit in a list: its law, when, how many points, and the sweeps it was fitted to (none for posted points).</summary>
public sealed record FitSummary(Guid Id, string Law, DateTimeOffset CreatedAt, int Points, int Groups, IReadOnlyList<Guid> SweepIds);
