using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Polly;

namespace ScaleLab.Orchestrator.Infrastructure.Database;

/// <summary>
/// Brings the database to the current schema before the silo starts: EF migrations for ScaleLab's tables and
/// our Orleans provider schema. Serialised by an advisory lock, so several orchestrators may start at once.
/// </summary>
public static class DatabaseBootstrap
{
    private const long LockKey = 0x5CA1E1AB; // any constant shared by every orchestrator

    /// <param name="connecting">Retries opening the first connection (<see cref="OrchestratorResilience.PostgresAtStart"/>).</param>
    public static async Task ApplyAsync(string connectionString, ResiliencePipeline connecting, ILogger logger, CancellationToken ct)
    {
        await using var connection = await connecting.RunAsync("Connecting to PostgreSQL", async token =>
        {
            var opening = new NpgsqlConnection(connectionString);
            try
            {
                await opening.OpenAsync(token);
                return opening;
            }
            catch
            {
                await opening.DisposeAsync();
                throw;
            }
        }, ct);
        await using (var takeLock = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection))
            await takeLock.ExecuteNonQueryAsync(ct);
        try
        {
            await using (var db = new ScaleLabDb(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql(connectionString).Options))
                await db.Database.MigrateAsync(ct);
            await using (var orleans = new NpgsqlCommand(ReadOrleansSchema(), connection))
                await orleans.ExecuteNonQueryAsync(ct);
            logger.LogInformation("Database schema is current");
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static string ReadOrleansSchema()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("OrleansSchema.sql")
            ?? throw new InvalidOperationException("OrleansSchema.sql is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
