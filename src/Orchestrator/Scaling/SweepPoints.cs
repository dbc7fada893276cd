using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Scaling;

/// <summary>
/// Turns the succeeded runs of sweeps into scaling points, counted as their study counts them: N = non-embedding or
/// total parameters, C = the run's training FLOPs (exact, or 6·N·D), D = tokens trained on, loss = final validation
/// loss (training loss when a run has none), epochs = the passes over its training data it logged. Runs that differ
/// only in learning rate and seed are one point, at its best rate (<see cref="BestLearningRate"/>). Sweeps that count
/// differently cannot be fitted together.
/// </summary>
public sealed class SweepPoints(IDbContextFactory<ScaleLabDb> dbFactory)
{
    public sealed record Loaded(IReadOnlyList<ScalingPoint> Points, IReadOnlyList<Guid> Missing, FlopAccounting Accounting);

    public async Task<Loaded> LoadAsync(IReadOnlyList<Guid> sweepIds, string? groupBy, ValidationErrors errors, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var records = await db.Sweeps.AsNoTracking().Where(s => sweepIds.Contains(s.Id)).Select(s => new { s.Id, s.Name, s.SpecJson }).ToListAsync(ct);
        var sweeps = records.ToDictionary(s => s.Id, s => s.Name);
        var accountings = records.Select(s => SweepSpecParser.AccountingOf(s.SpecJson)).Distinct().ToList();
        if (accountings.Count > 1)
            errors.Add("sweepIds", "these sweeps count N or compute differently (" + string.Join("; ", accountings.Select(a => $"{a.ParametersName} N, {a.ComputeName} compute")) +
                "); fit them separately");
        var accounting = accountings.FirstOrDefault() ?? FlopAccounting.Default;
        var runs = await db.Runs.AsNoTracking()
            .Where(r => sweepIds.Contains(r.SweepId) && r.Status == RunStatus.Succeeded)
            .OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var runIds = runs.Select(r => r.Id).ToList();
        // Epochs only grow with the step, so a run's largest logged value is its total.
        var epochs = await db.Metrics.AsNoTracking().Where(m => m.Name == "epochs" && runIds.Contains(m.RunId))
            .GroupBy(m => m.RunId).Select(g => new { RunId = g.Key, Epochs = g.Max(m => m.Value) }).ToDictionaryAsync(x => x.RunId, x => x.Epochs, ct);
        var scored = runs
            .Where(r => (r.FinalValLoss ?? r.FinalLoss) is not null)
            .Select(r => new BestLearningRate.Run(ConfigOf(r.ConfigJson), new ScalingPoint(accounting.Parameters == ParameterCount.Total ? r.TotalParameters : r.NonEmbeddingParameters,
                r.TokensSeen, (r.FinalValLoss ?? r.FinalLoss)!.Value, r.PlannedFlops,
                groupBy switch
                {
                    null => null,
                    "sweep" => sweeps[r.SweepId],
                    _ => GroupValue(r.ConfigJson, groupBy),
                }, epochs.TryGetValue(r.Id, out var e) ? e : null)))
            .ToList();
        // A point trained at several learning rates (isoflop.learningRates, ablation.learningRates, a learningRate axis) is fitted at its best one.
        var (points, _) = BestLearningRate.Select(scored);
        return new Loaded(points, sweepIds.Where(id => !sweeps.ContainsKey(id)).ToList(), accounting);
    }

    /// <summary>The run's config, or null where it cannot be read as one (such a run is a point of its own).</summary>
    private static RunConfig? ConfigOf(string configJson)
    {
        try
        {
            return JsonSerializer.Deserialize<RunConfig>(configJson, SpecJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? GroupValue(string configJson, string field)
    {
        using var doc = JsonDocument.Parse(configJson);
        return doc.RootElement.TryGetProperty(field, out var value) ? $"{field}={value}" : null;
    }
}
