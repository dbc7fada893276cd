using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Runs;
using ScaleLab.Scaling;

namespace ScaleLab.Orchestrator.Scaling;

/// <summary>
/// Turns the succeeded runs of sweeps into scaling points: N = non-embedding parameters, D = tokens trained on,
/// loss = final validation loss (training loss when a run has none), C = the run's training FLOPs.
/// </summary>
public sealed class SweepPoints(IDbContextFactory<ScaleLabDb> dbFactory)
{
    public async Task<(IReadOnlyList<ScalingPoint> Points, IReadOnlyList<Guid> Missing)> LoadAsync(
        IReadOnlyList<Guid> sweepIds, string? groupBy, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sweeps = await db.Sweeps.AsNoTracking().Where(s => sweepIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var runs = await db.Runs.AsNoTracking()
            .Where(r => sweepIds.Contains(r.SweepId) && r.Status == RunStatus.Succeeded)
            .OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var points = runs
            .Where(r => (r.FinalValLoss ?? r.FinalLoss) is not null)
            .Select(r => new ScalingPoint(r.NonEmbeddingParameters, r.TokensSeen, (r.FinalValLoss ?? r.FinalLoss)!.Value, r.PlannedFlops,
                groupBy switch
                {
                    null => null,
                    "sweep" => sweeps[r.SweepId],
                    _ => GroupValue(r.ConfigJson, groupBy),
                }))
            .ToList();
        return (points, sweepIds.Where(id => !sweeps.ContainsKey(id)).ToList());
    }

    private static string? GroupValue(string configJson, string field)
    {
        using var doc = JsonDocument.Parse(configJson);
        return doc.RootElement.TryGetProperty(field, out var value) ? $"{field}={value}" : null;
    }
}
