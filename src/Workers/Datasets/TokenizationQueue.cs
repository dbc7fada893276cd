using Npgsql;
using ScaleLab.Datasets;

namespace ScaleLab.Workers.Datasets;

/// <summary>A claimed tokenization job: which data set, with which tokenizer, its attempt, and the lease this claim holds.</summary>
public sealed record TokenizationJob(Guid Id, Guid DatasetId, string DatasetName, int Attempt, Guid Lease, DatasetSpec Spec, string? RegisteredHash);

/// <summary>How finishing a job went: done, refused because the claim had lost its lease, or refused because the files changed.</summary>
public enum CompletionOutcome { Completed, LeaseLost, ContentChanged }

/// <summary>
/// The tokenization jobs in table dataset_tokenizations (the orchestrator's schema). A job is claimed with
/// FOR UPDATE SKIP LOCKED under a lease on the database's clock; the holder renews it with each progress report. A job
/// whose lease ran out (its worker died) is claimed again with the next attempt number and a new lease id, and every
/// later write names the lease id, so a worker that lost its lease can no longer change the job.
/// </summary>
public sealed class TokenizationQueue(NpgsqlDataSource db)
{
    public const int MaxAttempts = 3;

    public async Task<TokenizationJob?> ClaimAsync(string worker, TimeSpan lease, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            WITH next AS (
                SELECT id FROM dataset_tokenizations
                WHERE status = 'Queued' OR (status = 'Running' AND lease_until < now())
                ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)
            UPDATE dataset_tokenizations t
            SET status = 'Running', attempt = t.attempt + 1, worker = $1, lease_until = now() + $2, lease_id = gen_random_uuid(),
                started_at = now(), progress = 0
            FROM next, datasets d
            WHERE t.id = next.id AND d.id = t.dataset_id
            RETURNING t.id, t.dataset_id, d.name, t.attempt, t.tokenizer, d.source, d.format, d.text_field, d.validation_fraction, d.token_bytes,
                d.content_hash, t.lease_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = worker });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var spec = new DatasetSpec
        {
            Tokenizer = reader.GetString(4), Source = reader.GetString(5), Format = reader.GetString(6), TextField = reader.GetString(7),
            ValidationFraction = reader.GetDouble(8), TokenBytes = reader.GetInt32(9),
        };
        return new TokenizationJob(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetGuid(11), spec,
            reader.IsDBNull(10) ? null : reader.GetString(10));
    }

    /// <summary>Reports progress and extends the lease; false when the job is no longer this claim's.</summary>
    public async Task<bool> RenewAsync(TokenizationJob job, double progress, TimeSpan lease, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "UPDATE dataset_tokenizations SET progress = $1, lease_until = now() + $2 WHERE id = $3 AND lease_id = $4 AND status = 'Running'");
        command.Parameters.Add(new NpgsqlParameter { Value = progress });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        command.Parameters.Add(new NpgsqlParameter { Value = job.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = job.Lease });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Records the result and, if this is the data set's first finished tokenization, its statistics, in one
    /// transaction. Refused if the claim lost its lease, or if another tokenization already fixed a different content hash.
    /// </summary>
    public async Task<CompletionOutcome> CompleteAsync(TokenizationJob job, DatasetManifest m, string shardPrefix, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var finish = new NpgsqlCommand("""
            UPDATE dataset_tokenizations SET status = 'Succeeded', progress = 1, finished_at = now(), lease_until = NULL,
                tokens = $1, train_tokens = $2, validation_tokens = $3, validation_bytes = $4, skipped_lines = $5, shard_prefix = $6
            WHERE id = $7 AND lease_id = $8 AND status = 'Running'
            """, connection, tx))
        {
            foreach (var value in new object[] { m.Tokens, m.TrainTokens, m.ValidationTokens, m.ValidationBytes, m.SkippedLines, shardPrefix, job.Id, job.Lease })
                finish.Parameters.Add(new NpgsqlParameter { Value = value });
            if (await finish.ExecuteNonQueryAsync(ct) != 1) return CompletionOutcome.LeaseLost;
        }
        await using (var stats = new NpgsqlCommand("""
            UPDATE datasets SET content_hash = $1, files = $2, documents = $3, bytes = $4
            WHERE id = $5 AND (content_hash IS NULL OR content_hash = $1)
            """, connection, tx))
        {
            foreach (var value in new object[] { m.ContentHash, m.Files, m.Documents, m.Bytes, job.DatasetId })
                stats.Parameters.Add(new NpgsqlParameter { Value = value });
            if (await stats.ExecuteNonQueryAsync(ct) != 1) return CompletionOutcome.ContentChanged;   // rolled back on dispose
        }
        await tx.CommitAsync(ct);
        return CompletionOutcome.Completed;
    }

    /// <summary>Fails the job for good, with the field the error concerns; the data set's shards are never used.</summary>
    public Task FailAsync(TokenizationJob job, string field, string message, CancellationToken ct) =>
        SetAsync(job, nameof(TokenizationStatus.Failed), field, message, ct);

    /// <summary>Hands the job back to the queue after a passing fault (the store was down), unless its attempts are spent.</summary>
    public Task ReleaseAsync(TokenizationJob job, string message, CancellationToken ct) =>
        job.Attempt >= MaxAttempts
            ? SetAsync(job, nameof(TokenizationStatus.Failed), "dataset", $"gave up after {MaxAttempts} attempts: {message}", ct)
            : SetAsync(job, nameof(TokenizationStatus.Queued), null, message, ct);

    /// <summary>Hands the job back when this worker shuts down; the attempt does not count against it.</summary>
    public Task ReturnOnShutdownAsync(TokenizationJob job, CancellationToken ct) => SetAsync(job, nameof(TokenizationStatus.Queued), null, null, ct, refund: true);

    private async Task SetAsync(TokenizationJob job, string status, string? field, string? message, CancellationToken ct, bool refund = false)
    {
        await using var command = db.CreateCommand("""
            UPDATE dataset_tokenizations SET status = $1, error_field = $2, error = $3, lease_until = NULL, lease_id = NULL,
                finished_at = CASE WHEN $1 = 'Failed' THEN now() END, attempt = attempt - $6
            WHERE id = $4 AND lease_id = $5 AND status = 'Running'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)field ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = message is null ? DBNull.Value : message.Length <= 2000 ? message : message[..1997] + "..." });
        command.Parameters.Add(new NpgsqlParameter { Value = job.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = job.Lease });
        command.Parameters.Add(new NpgsqlParameter { Value = refund ? 1 : 0 });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Where the finished shards of a registered data set are, for a run that names it.</summary>
    public async Task<(string? ShardPrefix, string Status)?> FindAsync(string name, string tokenizer, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT t.shard_prefix, t.status FROM dataset_tokenizations t JOIN datasets d ON d.id = t.dataset_id
            WHERE d.name = $1 AND t.tokenizer = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = DatasetTokenizers.Canonical(tokenizer) });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1));
    }

    /// <summary>Records the default corpus's training split in a tokenization ("bytes", "bpe"), so previews can size runs on it.</summary>
    public async Task ReportDefaultSplitAsync(string tokenizer, long trainTokens, string? contentHash, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO default_corpus_splits (tokenizer, train_tokens, content_hash, reported_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (tokenizer) DO UPDATE SET train_tokens = $2, content_hash = $3, reported_at = now()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tokenizer });
        command.Parameters.Add(new NpgsqlParameter { Value = trainTokens });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)contentHash ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }
}
