using Npgsql;
using ScaleLab.Runs;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// The worker's lines in a run's log (table run_events, read through GET /api/runs/{id}/logs). Best effort: a line
/// that cannot be stored is logged locally and never holds up or fails training.
/// </summary>
public sealed class RunEventWriter(NpgsqlDataSource db, TimeProvider clock, ILogger<RunEventWriter> logger)
{
    public const string Source = "worker";

    public async Task AppendAsync(Guid runId, int attempt, RunEventKind kind, string message, string? slot = null, int? step = null)
    {
        try
        {
            await using var command = db.CreateCommand(
                "INSERT INTO run_events (run_id, attempt, at, source, message, kind, slot, step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
            command.Parameters.Add(new NpgsqlParameter { Value = runId });
            command.Parameters.Add(new NpgsqlParameter { Value = attempt });
            command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            command.Parameters.Add(new NpgsqlParameter { Value = Source });
            command.Parameters.Add(new NpgsqlParameter { Value = message.Length <= 2000 ? message : message[..1997] + "..." });
            command.Parameters.Add(new NpgsqlParameter { Value = kind.ToString() });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)slot ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)step ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning("Run {RunId} log line not stored ({Error}): {Message}", runId, ex.Message, message);
        }
    }
}
