using System.Globalization;
using ScaleLab.Catalog;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Runs;

/// <summary>A row of what runs measured, compared: each run's value as text and, for a loss, which run has the lowest.</summary>
/// <param name="Best">The column of the lowest value, where lower is better and at least two runs have one; else null.</param>
public sealed record ComparedMetric(string Name, IReadOnlyList<string> Values, int? Best = null)
{
    /// <summary>The values as numbers where <see cref="Values"/> are <see cref="NumberFormat.Short"/>'s (1.2E+19), which a paper writes as math; else null.</summary>
    public IReadOnlyList<double?>? Numbers { get; init; }
}

/// <summary>The metrics rows of a comparison of runs: status, losses, size, tokens, FLOPs, progress and duration.</summary>
public static class ComparedMetrics
{
    public static IReadOnlyList<ComparedMetric> Of(IReadOnlyList<RunSummary> runs)
    {
        var rows = new List<ComparedMetric>
        {
            Row("Status", runs, r => r.Status.ToString()),
            Loss("Final loss", runs, r => r.FinalLoss),
            Loss("Val loss", runs, r => r.FinalValLoss),
            Row("Params (non-emb)", runs, r => r.NonEmbeddingParameters.ToString("N0", CultureInfo.InvariantCulture)),
            Row("Params (total)", runs, r => r.TotalParameters.ToString("N0", CultureInfo.InvariantCulture)),
            Row("Tokens", runs, r => r.PlannedTokens.ToString("N0", CultureInfo.InvariantCulture)),
            Row("FLOPs", runs, r => NumberFormat.Short(r.PlannedFlops)) with { Numbers = [.. runs.Select(r => (double?)r.PlannedFlops)] },
            Row("Step", runs, r => string.Create(CultureInfo.InvariantCulture, $"{r.StepsDone:N0} / {r.TotalSteps:N0}")),
            Row("Duration", runs, r => Duration(r.WallClockSeconds)),
            Row("Attempt", runs, r => r.Attempt.ToString(CultureInfo.InvariantCulture)),
        };
        if (runs.Any(r => r.Error is not null)) rows.Add(Row("Error", runs, r => r.Error ?? ""));
        return rows;
    }

    /// <summary>Training time as people read it: "42 s", "3 min 05 s", "1 h 02 min"; "–" for none.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || !double.IsFinite(s) || s < 0) return "–";
        var whole = (long)Math.Round(s);
        var inv = CultureInfo.InvariantCulture;
        return whole switch
        {
            < 60 => string.Create(inv, $"{whole} s"),
            < 3600 => string.Create(inv, $"{whole / 60} min {whole % 60:00} s"),
            _ => string.Create(inv, $"{whole / 3600} h {whole % 3600 / 60:00} min"),
        };
    }

    private static ComparedMetric Row(string name, IReadOnlyList<RunSummary> runs, Func<RunSummary, string> value) => new(name, [.. runs.Select(value)]);

    private static ComparedMetric Loss(string name, IReadOnlyList<RunSummary> runs, Func<RunSummary, double?> loss)
    {
        var values = runs.Select(loss).ToList();
        var present = values.Select((v, i) => (v, i)).Where(p => p.v is not null).ToList();
        int? best = present.Count >= 2 ? present.MinBy(p => p.v)!.i : null;
        return new(name, [.. values.Select(NumberFormat.Loss)], best);
    }
}
