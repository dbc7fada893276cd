using System.Text.Json.Nodes;

namespace ScaleLab.External;

/// <summary>
/// Runs trained outside ScaleLab (nanoGPT, torchtitan, a notebook) and logged over the REST API, so that fits,
/// comparisons and the dashboard use them beside ScaleLab's own. They belong to a study of kind "external": a sweep
/// that no scheduler drives, whose runs the caller creates, feeds with metrics and finishes. Every call is idempotent:
/// a study is named once per owner, a run once per study, and a metric point is keyed (run, name, step), so a client
/// that retries after a timeout never duplicates anything. A replay of what is stored is answered as the first call was,
/// even after the run finished or the study closed; only changes are then refused. A run that failed is opened again
/// (as its next attempt) when it is added again with the same numbers: a script re-run after a crash goes on.
/// </summary>
public static class ExternalStudies
{
    public const string Kind = Sweeps.StudyKinds.External;

    /// <summary>Metric points one call may carry (about 1 MB of JSON).</summary>
    public const int MaxPointsPerCall = 10_000;

    /// <summary>The largest N and D a run may claim (10 trillion parameters, 1 quadrillion tokens).</summary>
    public const long MaxParameters = 10_000_000_000_000, MaxTokens = 1_000_000_000_000_000;

    /// <summary>The run statuses a caller may finish a run with.</summary>
    public static readonly IReadOnlyList<string> FinishStatuses = ["succeeded", "failed"];
}

/// <param name="Name">Unique per owner: sending the same name again returns the same study.</param>
/// <param name="Accounting">How N and compute are counted: {"parameters": "nonEmbedding" | "total", "compute": "exact" | "6ND"}.</param>
public sealed record ExternalStudyRequest(string? Name, JsonObject? Accounting = null);

/// <param name="Name">Unique within the study: sending the same name again returns the same run.</param>
/// <param name="Tokens">D, the tokens the run trains on.</param>
/// <param name="TotalParameters">All parameters; required when the study counts them (accounting.parameters "total").</param>
/// <param name="Flops">Training compute: required when the study counts compute exactly, left out when it counts 6·N·D.</param>
/// <param name="Config">The run's settings in ScaleLab's run-config field names (dModel, nLayers, learningRate, mixer…),
/// so runs can be grouped and compared with ScaleLab's own; unknown fields are refused.</param>
public sealed record ExternalRunRequest(string? Name, long? NonEmbeddingParameters, long? TotalParameters, long? Tokens,
    double? Flops = null, JsonObject? Config = null);

/// <summary>One logged value; Tokens, Flops and Seconds say where in training it was (for plots against them).</summary>
public sealed record ExternalMetricPoint(int? Step, string? Name, double? Value, long? Tokens = null, double? Flops = null, double? Seconds = null);

public sealed record ExternalMetricsRequest(IReadOnlyList<ExternalMetricPoint>? Points);

/// <param name="Status">"succeeded" or "failed".</param>
/// <param name="FinalValLoss">The loss fits use (the training loss when absent).</param>
/// <param name="Tokens">Tokens actually trained on, when not what the run was created with (for a failed run: the
/// largest logged, else the planned).</param>
public sealed record ExternalFinishRequest(string? Status, double? FinalLoss = null, double? FinalValLoss = null, long? Tokens = null,
    double? WallClockSeconds = null, string? Error = null);

/// <summary>How many points a metrics call stored (new or replaced).</summary>
public sealed record ExternalMetricsAccepted(int Points);
