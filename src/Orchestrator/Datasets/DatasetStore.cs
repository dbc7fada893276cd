using Microsoft.EntityFrameworkCore;
using Polly;
using Polly.Registry;
using ScaleLab.Datasets;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Orchestrator.Infrastructure.Database;

namespace ScaleLab.Orchestrator.Datasets;

/// <summary>Registered data sets and their tokenization jobs. A registration is stored whole, with its jobs, or not at all.</summary>
public sealed class DatasetStore(IDbContextFactory<ScaleLabDb> dbFactory, TimeProvider clock, ResiliencePipelineProvider<string> pipelines)
{
    private readonly ResiliencePipeline _registration = pipelines.GetPipeline(OrchestratorResilience.DatasetRegistration);

    public enum Outcome { Created, Updated, Unchanged, Conflict }

    /// <summary>
    /// Registers a data set, or adds tokenizers to one already registered with the same data, re-queueing the
    /// requested ones that failed. Different data under a taken name is a conflict, unless nothing of the old
    /// registration was ever tokenized: then the new one replaces it (the way to fix a failed registration).
    /// </summary>
    public Task<(Outcome Outcome, DatasetView? View)> RegisterAsync(DatasetRegistration r, string owner, CancellationToken ct) =>
        _registration.RunAsync($"Registering data set {r.Name}", token => TryRegisterAsync(r, owner, token), ct);

    private async Task<(Outcome, DatasetView?)> TryRegisterAsync(DatasetRegistration r, string owner, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();   // a retried transaction starts from what the database holds
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var existing = await db.Datasets.Include(d => d.Tokenizations).SingleOrDefaultAsync(d => d.Name == r.Name, ct);
            var outcome = Outcome.Unchanged;
            if (existing is not null && !r.SameDataAs(RegistrationOf(existing)))
            {
                if (existing.Tokenizations.Any(t => t.Status != TokenizationStatus.Failed)) return (Outcome.Conflict, View(existing));
                db.Datasets.Remove(existing);
                await db.SaveChangesAsync(ct);
                existing = null;
            }
            if (existing is null)
            {
                existing = new DatasetRecord
                {
                    Id = Guid.CreateVersion7(), Name = r.Name, Source = r.Source, Format = r.Format, TextField = r.TextField,
                    ValidationFraction = r.ValidationFraction, TokenBytes = r.TokenBytes, Owner = owner, CreatedAt = now,
                };
                db.Datasets.Add(existing);
                outcome = Outcome.Created;
            }
            foreach (var tokenizer in r.Tokenizers.Select(DatasetTokenizers.Canonical))
            {
                var job = existing.Tokenizations.SingleOrDefault(t => t.Tokenizer == tokenizer);
                if (job is null)
                {
                    var added = new TokenizationRecord { Id = Guid.CreateVersion7(), DatasetId = existing.Id, Tokenizer = tokenizer, Status = TokenizationStatus.Queued, CreatedAt = now };
                    existing.Tokenizations.Add(added);
                    db.Tokenizations.Add(added);
                    if (outcome == Outcome.Unchanged) outcome = Outcome.Updated;
                }
                else if (job.Status == TokenizationStatus.Failed)
                {
                    // Registering again after fixing the files retries the job from scratch.
                    (job.Status, job.Progress, job.Attempt, job.Error, job.ErrorField, job.Worker, job.LeaseUntil, job.LeaseId, job.StartedAt, job.FinishedAt) =
                        (TokenizationStatus.Queued, 0, 0, null, null, null, null, null, null, null);
                    if (outcome == Outcome.Unchanged) outcome = Outcome.Updated;
                }
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (outcome, View(existing));
        });
    }

    public async Task<IReadOnlyList<DatasetView>> ListAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Datasets.AsNoTracking().Include(d => d.Tokenizations).OrderBy(d => d.Name).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public async Task<DatasetView?> GetAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Datasets.AsNoTracking().Include(d => d.Tokenizations).SingleOrDefaultAsync(d => d.Name == name, ct);
        return row is null ? null : View(row);
    }

    private static DatasetRegistration RegistrationOf(DatasetRecord d) => new()
    {
        Name = d.Name, Source = d.Source, Format = d.Format, TextField = d.TextField, ValidationFraction = d.ValidationFraction, TokenBytes = d.TokenBytes,
    };

    private static DatasetView View(DatasetRecord d) => new(
        d.Id, d.Name, d.Source, d.Format, d.Format == DatasetFormats.Jsonl ? d.TextField : null, d.ValidationFraction, d.Owner, d.CreatedAt,
        d.ContentHash, d.Files, d.Documents, d.Bytes,
        d.Tokenizations.OrderBy(t => t.CreatedAt).ThenBy(t => t.Tokenizer).Select(t => new TokenizationView(
            t.Tokenizer, t.Status, t.Progress, t.Attempt, t.Worker, t.Tokens, t.TrainTokens, t.ValidationTokens, t.ValidationBytes, t.SkippedLines,
            t.ShardPrefix, t.ErrorField, t.Error, t.CreatedAt, t.StartedAt, t.FinishedAt)).ToList());
}
