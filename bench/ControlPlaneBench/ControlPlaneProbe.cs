using Npgsql;

namespace ScaleLab.Bench;

/// <summary>
/// What the control plane costs, read from outside it: PostgreSQL (runs' timestamps, WAL position, the scheduler's
/// stored state) and the orchestrator's resident memory. Reads only; run rows and grain state are the public record.
/// </summary>
public sealed class ControlPlaneProbe(NpgsqlDataSource db, int orchestratorPid)
{
    /// <summary>
    /// The database clock and the WAL insert position. The position's delta is the WAL bytes written in between, exact
    /// at any instant (pg_stat_wal.wal_bytes counts the same bytes but lags until each backend flushes its statistics).
    /// </summary>
    public async Task<(DateTime At, string Lsn)> MarkAsync()
    {
        await using var command = db.CreateCommand("SELECT clock_timestamp(), pg_current_wal_insert_lsn()::text");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDateTime(0), reader.GetString(1));
    }

    public async Task<long> WalBytesSinceAsync(string lsn)
    {
        await using var command = db.CreateCommand("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::bigint");
        command.Parameters.AddWithValue(lsn);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs that have not started yet (none left: the queue has drained).</summary>
    public async Task<long> UnstartedRunsAsync()
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM runs WHERE started_at IS NULL");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs started in [from, to], and the p50/p99 of their wait from created_at to started_at, in seconds.</summary>
    public async Task<(long Started, double P50, double P99)> StartsAsync(DateTime from, DateTime to)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)), 0),
                   coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)), 0)
              FROM runs WHERE started_at BETWEEN $1 AND $2
            """);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2));
    }

    /// <summary>The stored size of the scheduler grain's state (Orleans' grain_state row of state "scheduler").</summary>
    public async Task<long> SchedulerStateBytesAsync()
    {
        await using var command = db.CreateCommand("SELECT coalesce(sum(octet_length(payload)), 0)::bigint FROM orleans.grain_state WHERE grain_type = 'scheduler'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The orchestrator's resident set size now (VmRSS), in bytes.</summary>
    public long OrchestratorRssBytes()
    {
        var line = File.ReadLines($"/proc/{orchestratorPid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024; // "VmRSS:   123456 kB"
    }
}
