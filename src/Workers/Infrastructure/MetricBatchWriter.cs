using Npgsql;
using NpgsqlTypes;
using ScaleLab.Workers.Training;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// Writes a batch of metric points in one round trip: binary COPY into a temporary table, then one upsert into
/// metrics keyed (run, name, step). Re-sending a batch (after a timeout that may or may not have committed)
/// therefore never duplicates a point, and a later attempt of a run overwrites an earlier attempt's point.
/// </summary>
public static class MetricBatchWriter
{
    public static async Task WriteAsync(NpgsqlDataSource db, Guid runId, int attempt, IReadOnlyList<MetricSample> batch, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE metric_batch (run_id uuid, name varchar(64), step integer, value double precision, tokens bigint, " +
            "flops double precision, wall_clock_s double precision, attempt integer, recorded_at timestamptz) ON COMMIT DROP", connection, tx))
            await create.ExecuteNonQueryAsync(ct);

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY metric_batch (run_id, name, step, value, tokens, flops, wall_clock_s, attempt, recorded_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in batch)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(runId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(m.Name, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(m.Step, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(m.Value, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(m.Tokens, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(m.Flops, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(m.WallClockSeconds, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(attempt, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var upsert = new NpgsqlCommand(
            """
            INSERT INTO metrics (run_id, name, step, value, tokens, flops, wall_clock_s, attempt, recorded_at)
            SELECT DISTINCT ON (run_id, name, step) run_id, name, step, value, tokens, flops, wall_clock_s, attempt, recorded_at
              FROM metric_batch ORDER BY run_id, name, step, attempt DESC
            ON CONFLICT (run_id, name, step) DO UPDATE
               SET value = EXCLUDED.value, tokens = EXCLUDED.tokens, flops = EXCLUDED.flops,
                   wall_clock_s = EXCLUDED.wall_clock_s, attempt = EXCLUDED.attempt, recorded_at = EXCLUDED.recorded_at
             WHERE metrics.attempt <= EXCLUDED.attempt
            """, connection, tx))
            await upsert.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
