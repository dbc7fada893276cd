using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Catalog;

/// <summary>
/// A sweep as listed: what it is and how far along; <see cref="UsedFlops"/> is the training compute spent so far,
/// <see cref="Owner"/> who submitted it ("key 1a2b3c4d", "schedule NAME").
/// </summary>
public sealed record SweepSummary(
    Guid Id,
    string Name,
    string Kind,
    SweepStatus Status,
    int RunCount,
    int RunsFinished,
    int RunsFailed,
    double PlannedFlops,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    double UsedFlops = 0,
    string Owner = "",
    int RunsStopped = 0,
    IReadOnlyList<string>? Tags = null,
    bool Archived = false)
{
    /// <summary>The status as people read it: "Succeeded, 24 stopped early" when early stopping ended runs.</summary>
    public string StatusText => RunsStopped > 0 ? $"{Status}, {RunsStopped} stopped early" : Status.ToString();
}
public sealed record SweepDetail(
    SweepSummary Sweep,
    string SpecJson,
    IReadOnlyList<RunSummary> Runs,
    string Notes = "",
    AdaptiveLog? Design = null);

/// <summary>A run with its accounting and latest numbers.</summary>
public sealed record RunSummary(
    Guid Id,
    Guid SweepId,
    string Name,
    RunStatus Status,
    long NonEmbeddingParameters,
    long TotalParameters,
    long PlannedTokens,
    double PlannedFlops,
    int Attempt,
    int StepsDone,
    int TotalSteps,
    double? LastLoss,
    double? FinalLoss,
    double? FinalValLoss,
    string? SlotId,
    string? Error,
    double? WallClockSeconds,
    Guid? ParentRunId = null,
    int FirstStep = 0);

/// <summary>A run with its config, files, metric names and lineage: the run it branched off (<see cref="Parent"/>) and those that branch off it.</summary>
public sealed record RunDetail(
    RunSummary Run,
    RunConfig Config,
    IReadOnlyList<ArtifactView> Artifacts,
    IReadOnlyList<string> MetricNames)
{
    public RunLink? Parent { get; init; }

    public IReadOnlyList<RunLink> Branches { get; init; } = [];
}

/// <summary>A run of a lineage: <see cref="Step"/> is where the branch parts from its parent.</summary>
public sealed record RunLink(Guid Id, string Name, RunStatus Status, int Step);

/// <summary>An artifact of a run; <see cref="Download"/> is the API path that serves it (the blob's own address stays internal).</summary>
public sealed record ArtifactView(
    string Kind,
    string Name,
    string Download,
    long Bytes,
    DateTimeOffset CreatedAt);

/// <summary>One metric's curve; <see cref="Steps"/> and <see cref="Values"/> are parallel.</summary>
public sealed record MetricSeries(
    Guid RunId,
    string Name,
    IReadOnlyList<int> Steps,
    IReadOnlyList<double> Values,
    IReadOnlyList<long>? Tokens = null,
    IReadOnlyList<double>? Flops = null)
{
    /// <summary>Tokens trained on at each point, as logged (empty for a curve without points).</summary>
    public IReadOnlyList<long> TokensAt => Tokens ?? [];

    /// <summary>Training FLOPs spent by each point, as the study counts them.</summary>
    public IReadOnlyList<double> FlopsAt => Flops ?? [];
}
public sealed record Page<T>(
    IReadOnlyList<T> Items,
    int Total,
    int PageNumber,
    int PageSize);

/// <summary>One line of a run's log: when, which attempt, who wrote it (orchestrator or worker), what happened.</summary>
public sealed record RunLogLine(
    DateTimeOffset At,
    int Attempt,
    string Source,
    string Message,
    Runs.RunEventKind Kind = Runs.RunEventKind.Note,
    string? Slot = null,
    int? Step = null);

/// <summary>One metric of many runs, each curve downsampled to at most <see cref="PointsPerRun"/> points (a sweep's curves in one call).</summary>
public sealed record CurvesQuery(IReadOnlyList<Guid> RunIds, string Metric = MetricNames.Loss, int PointsPerRun = 200)
{
    /// <summary>Runs per call: a 1,000-run sweep fits; a page asks again for more.</summary>
    public const int MaxRuns = 5000;
}

/// <summary>A stored fit in a list: its law, when, how many points, and the sweeps it was fitted to (none for posted points).</summary>
public sealed record FitSummary(Guid Id, string Law, DateTimeOffset CreatedAt, int Points, int Groups, IReadOnlyList<Guid> SweepIds);
