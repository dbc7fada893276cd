using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Catalog;

/// <summary>What to fit from stored history: the finished runs of some sweeps, grouped (or not), under one law.</summary>
public sealed record ScalingQuery(
    IReadOnlyList<Guid> SweepIds,
    FitLaw Law,
    string? GroupBy = null,
    int Bootstrap = 200,
    double? TargetCompute = null,
    double Confidence = 0.95)
{
    /// <summary>Interactive fits are bounded so a page answers in seconds; the CLI and the API allow more.</summary>
    public const int MaxBootstrap = 1000, MaxSweeps = 100;

    public void Validate(ValidationErrors errors)
    {
        if (SweepIds.Count == 0) errors.Add("sweepIds", "pick at least one sweep");
        if (SweepIds.Count > MaxSweeps) errors.Add("sweepIds", $"at most {MaxSweeps} sweeps per fit");
        if (Bootstrap is < 0 or > MaxBootstrap) errors.Add("bootstrap", $"must be between 0 and {MaxBootstrap}");
        ValidateGroupBy(GroupBy, errors);
    }

    /// <summary>"sweep" (one group per sweep) or a run-config field such as "mixer"; null for one group.</summary>
    public static void ValidateGroupBy(string? groupBy, ValidationErrors errors)
    {
        if (groupBy is { } g && g != "sweep" && !SweepSpecParser.AxisParameters.Contains(g))
            errors.Add("groupBy", $"must be 'sweep' or a run-config field ({string.Join(", ", SweepSpecParser.AxisParameters.Order())})");
    }
}

/// <summary>The points a fit used and what it found, or why it could not fit (errors keyed by field, as the API reports them).</summary>
public sealed record ScalingView(
    IReadOnlyList<ScalingPoint> Points,
    FitResult? Result,
    IReadOnlyDictionary<string, string[]> Errors);
