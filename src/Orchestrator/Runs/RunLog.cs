using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Runs;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// Appends to a run's log (table run_events). Best effort: a log line that cannot be written (PostgreSQL restarting)
/// is logged here instead and never fails the operation it describes.
/// </summary>
public sealed class RunLog(IDbContextFactory<ScaleLabDb> dbs, TimeProvider clock, ILogger<RunLog> logger)
{
    public const string Source = "orchestrator";

    public async Task AppendAsync(Guid runId, int attempt, RunEventKind kind, string message, string? slot = null)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            db.RunEvents.Add(new RunEvent { RunId = runId, Attempt = attempt, At = clock.GetUtcNow(), Source = Source, Kind = kind, Slot = slot, Message = Trim(message) });
            await db.SaveChangesAsync();
        }
        catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogWarning("Run {RunId} log line not stored ({Error}): {Message}", runId, ex.Message, message);
        }
    }

    public static string Trim(string message) => message.Length <= 2000 ? message : message[..1997] + "...";
}
