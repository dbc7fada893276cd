using Npgsql;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// The worker's lines in a run's log (table run_events, read through GET /api/runs/{id}/logs). Best effort: a line
/// that cannot be stored is logged locally and never holds up or fails training.
/// </summary>
public sealed class RunEventWriter(NpgsqlDataSource db, TimeProvider clock, ILogger<RunEventWriter> logger)
{
    public const string Source = "worker";

    public async Task AppendAsync(Guid runId, int attempt, string message)
    {
        try
        {
            await using var command = db.CreateCommand(
                "INSERT INTO run_events (run_id, attempt, at, source, message) VALUES ($1, $2, $3, $4, $5)");
            command.Parameters.Add(new NpgsqlParameter { Value = runId });
            command.Parameters.Add(new NpgsqlParameter { Value = attempt });
            command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
            command.Parameters.Add(new NpgsqlParameter { Value = Source });
            command.Parameters.Add(new NpgsqlParameter { Value = message.Length <= 2000 ? message : message[..1997] + "..." });
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning("Run {RunId} log line not stored ({Error}): {Message}", runId, ex.Message, message);
        }
    }
}
