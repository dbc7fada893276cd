using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Catalog;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Scaling;

namespace ScaleLab.Orchestrator.Scaling;

/// <summary>Stored fits (table fits): what POST /api/fits keeps, each with its inputs, and the reads of them. The endpoints only map.</summary>
public sealed class FitStore(IDbContextFactory<ScaleLabDb> dbFactory, TimeProvider clock)
{
    /// <param name="inputsJson">The request as it came and the points fitted, to refit or audit later.</param>
    public async Task<FitRecord> AddAsync(FitLaw law, string inputsJson, FitResult result, CancellationToken ct)
    {
        var record = new FitRecord
        {
            Id = Guid.CreateVersion7(), Law = law.ToString().ToLowerInvariant(), CreatedAt = clock.GetUtcNow(),
            InputsJson = inputsJson, ResultJson = FitResultJson.Write(result).ToJsonString(),
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Fits.Add(record);
        await db.SaveChangesAsync(ct);
        return record;
    }

    public async Task<FitRecord?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Fits.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
    }

    /// <summary>Newest first.</summary>
    public async Task<Page<FitSummary>> ListAsync(int pageNumber, int pageSize, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var total = await db.Fits.CountAsync(ct);
        var records = await db.Fits.AsNoTracking().OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id)
            .Skip((pageNumber - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Page<FitSummary>(records.Select(Summary).ToList(), total, pageNumber, pageSize);
    }

    /// <summary>Read from the stored JSON: a fit of one group has its keys at the top, several under "groups".</summary>
    private static FitSummary Summary(FitRecord r)
    {
        var result = JsonNode.Parse(r.ResultJson);
        var sweepIds = JsonNode.Parse(r.InputsJson)?["request"] is JsonObject request && request["sweepIds"] is JsonArray ids
            ? ids.Select(id => Guid.TryParse(id?.ToString(), out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList()
            : [];
        return new FitSummary(r.Id, r.Law, r.CreatedAt, result?["points"]?.GetValue<int>() ?? 0,
            result?["groups"] is JsonObject groups ? groups.Count : 1, sweepIds);
    }
}
