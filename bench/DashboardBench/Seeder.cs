using Npgsql;
using NpgsqlTypes;

namespace ScaleLab.Bench;

/// <summary>Writes a finished sweep of many runs with loss curves straight into the tables, as the orchestrator would have.</summary>
public static class Seeder
{
    public static async Task<Guid> SeedAsync(NpgsqlDataSource db, string name, int runs, int pointsPerRun)
    {
        var sweepId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var insert = db.CreateCommand(
            "INSERT INTO sweeps (id, name, kind, status, priority, spec, run_count, runs_finished, runs_failed, planned_flops, created_at, finished_at) " +
            "VALUES ($1, $2, 'grid', 'Succeeded', 0, '{}'::jsonb, $3, $3, 0, $4, $5, $5)"))
        {
            insert.Parameters.Add(new() { Value = sweepId });
            insert.Parameters.Add(new() { Value = name });
            insert.Parameters.Add(new() { Value = runs });
            insert.Parameters.Add(new() { Value = runs * 1e12 });
            insert.Parameters.Add(new() { Value = now });
            await insert.ExecuteNonQueryAsync();
        }
        var runIds = Enumerable.Range(0, runs).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var connection = await db.OpenConnectionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY runs (id, sweep_id, name, status, config, non_embedding_params, total_params, planned_tokens, planned_flops, attempt, " +
            "steps_done, total_steps, tokens_seen, last_loss, final_loss, final_val_loss, created_at, finished_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < runs; i++)
            {
                var loss = Loss(i, pointsPerRun - 1);
                await copy.StartRowAsync();
                await copy.WriteAsync(runIds[i], NpgsqlDbType.Uuid);
                await copy.WriteAsync(sweepId, NpgsqlDbType.Uuid);
                await copy.WriteAsync($"run-{i:D4} dModel={64 + i % 8 * 32} lr={0.001 * (1 + i % 5)}", NpgsqlDbType.Varchar);
                await copy.WriteAsync("Succeeded", NpgsqlDbType.Varchar);
                await copy.WriteAsync("{\"dModel\":64}", NpgsqlDbType.Jsonb);
                await copy.WriteAsync(1_000_000L + i, NpgsqlDbType.Bigint);
                await copy.WriteAsync(2_000_000L + i, NpgsqlDbType.Bigint);
                await copy.WriteAsync(10_000_000L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(1e12, NpgsqlDbType.Double);
                await copy.WriteAsync(1, NpgsqlDbType.Integer);
                await copy.WriteAsync(pointsPerRun * 10, NpgsqlDbType.Integer);
                await copy.WriteAsync(pointsPerRun * 10, NpgsqlDbType.Integer);
                await copy.WriteAsync(10_000_000L, NpgsqlDbType.Bigint);
                await copy.WriteAsync(loss, NpgsqlDbType.Double);
                await copy.WriteAsync(loss, NpgsqlDbType.Double);
                await copy.WriteAsync(loss + 0.02, NpgsqlDbType.Double);
                await copy.WriteAsync(now.AddMilliseconds(i), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY metrics (run_id, name, step, value, tokens, flops, wall_clock_s, attempt, recorded_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < runs; i++)
                for (var p = 0; p < pointsPerRun; p++)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(runIds[i], NpgsqlDbType.Uuid);
                    await copy.WriteAsync("loss", NpgsqlDbType.Varchar);
                    await copy.WriteAsync((p + 1) * 10, NpgsqlDbType.Integer);
                    await copy.WriteAsync(Loss(i, p), NpgsqlDbType.Double);
                    await copy.WriteAsync((p + 1) * 10_000L, NpgsqlDbType.Bigint);
                    await copy.WriteAsync((p + 1) * 1e9, NpgsqlDbType.Double);
                    await copy.WriteAsync(p * 0.1, NpgsqlDbType.Double);
                    await copy.WriteAsync(1, NpgsqlDbType.Integer);
                    await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                }
            await copy.CompleteAsync();
        }
        return sweepId;
    }

    /// <summary>A power-law-ish training curve, different per run.</summary>
    private static double Loss(int run, int point) => 2 + 3 * Math.Pow(point + 1, -0.3 - run % 7 * 0.02);
}
