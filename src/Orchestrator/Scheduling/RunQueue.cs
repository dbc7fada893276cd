using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Scheduling;

/// <summary>A run taken from the queue for a slot, with the attempt number handed to it.</summary>
public sealed record ClaimedRun(Guid RunId, string Name, RunConfig Config, int Attempt, bool Finished);

/// <summary>A run on a slot, as the table records it.</summary>
public sealed record AssignedRun(Guid RunId, Guid SweepId, string Owner, string SlotId, int Attempt, DateTimeOffset AssignedAt);

/// <summary>
/// The queue of runs waiting for slots, in table run_queue (<see cref="QueuedRun"/>). Every statement touches the
/// rows of one run or one sweep through an index, so what a dispatch costs does not grow with the queue or with the
/// history. The attempt number a dispatch hands out is counted on the run's own row (runs.dispatches), and a
/// cancelled sweep is known by its own status, so nothing here grows with history either.
/// </summary>
public sealed class RunQueue(NpgsqlDataSource db)
{
    private const string Unfinished = $"('{nameof(RunStatus.Queued)}', '{nameof(RunStatus.Running)}')";
    private const string CancelledSweep = $"'{nameof(SweepStatus.Cancelled)}'";

    /// <summary>
    /// Queues the sweep's unfinished runs that are neither queued nor on a slot, in the sweep's order. A branch waits
    /// until its parent has succeeded: only then is the checkpoint it starts from certain to be stored.
    /// </summary>
    /// <returns>How many were added.</returns>
    public async Task<int> EnqueueSweepAsync(Guid sweepId, DateTimeOffset now, CancellationToken ct = default)
    {
        var missing = new List<(Guid Id, string Owner, int Priority, string Config)>();
        await using (var find = db.CreateCommand($"""
            SELECT r.id, s.owner, s.priority, r.config::text FROM runs r JOIN sweeps s ON s.id = r.sweep_id
            WHERE r.sweep_id = $1 AND r.status IN {Unfinished} AND s.status <> {CancelledSweep}
              AND NOT EXISTS (SELECT 1 FROM run_queue q WHERE q.run_id = r.id)
              AND (r.parent_run_id IS NULL OR EXISTS (SELECT 1 FROM runs p WHERE p.id = r.parent_run_id AND p.status = '{nameof(RunStatus.Succeeded)}'))
            ORDER BY r.created_at, r.name
            """))
        {
            find.Parameters.Add(new NpgsqlParameter { Value = sweepId });
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) missing.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
        }
        if (missing.Count == 0) return 0;

        var estimates = missing.Select(m => DispatchPolicy.EstimatesOf(JsonSerializer.Deserialize<RunConfig>(m.Config, SpecJson.Options)!)).ToList();
        await using var insert = db.CreateCommand("""
            INSERT INTO run_queue (run_id, sweep_id, owner, priority, cuda_bytes, cpu_bytes, queued_at)
            SELECT m.id, $2, m.owner, m.priority, m.cuda, m.cpu, $3
            FROM unnest($1::uuid[], $4::text[], $5::int[], $6::bigint[], $7::bigint[]) WITH ORDINALITY AS m(id, owner, priority, cuda, cpu, n)
            ORDER BY m.n
            ON CONFLICT (run_id) DO NOTHING
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = missing.Select(m => m.Id).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = sweepId });
        insert.Parameters.Add(new NpgsqlParameter { Value = now });
        insert.Parameters.Add(new NpgsqlParameter { Value = missing.Select(m => m.Owner).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = missing.Select(m => m.Priority).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = estimates.Select(e => e.Cuda).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = estimates.Select(e => e.Cpu).ToArray() });
        return await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Claims runs for several slots in one round trip and one transaction: for each (sweep, slot) pair, in order, the
    /// sweep's first waiting run that fits the slot goes to the slot, and the run's own row counts the attempt. Pairs
    /// of one sweep get successive runs, since each statement sees the ones before it. A pair none of whose sweep's
    /// waiting runs fits gets null. A run that finished meanwhile comes back marked, for the caller to release. The
    /// releases the caller holds are deleted in the same transaction, so a slot that hands back a run and takes the
    /// next costs one commit, and a batch of them costs one commit in all.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedRun?>> ClaimAsync(IReadOnlyList<(Guid SweepId, WorkerSlot Slot)> claims, DateTimeOffset now,
        IReadOnlyCollection<(Guid RunId, string SlotId)> releases, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        foreach (var (sweepId, slot) in claims)
        {
            var estimate = slot.DeviceKind == DeviceKinds.Cuda ? "cuda_bytes" : "cpu_bytes";
            var claim = new NpgsqlBatchCommand($"""
                WITH next AS (
                    SELECT q.run_id FROM run_queue q
                    WHERE q.sweep_id = $1 AND q.slot_id IS NULL AND ($3::bigint IS NULL OR q.{estimate} <= $3)
                    ORDER BY q.position LIMIT 1 FOR UPDATE SKIP LOCKED),
                taken AS (
                    UPDATE run_queue q SET slot_id = $2, assigned_at = $4 FROM next WHERE q.run_id = next.run_id RETURNING q.run_id)
                UPDATE runs r SET dispatches = r.dispatches + 1 FROM taken WHERE r.id = taken.run_id
                RETURNING r.id, r.name, r.config::text, r.dispatches, r.status
                """);
            claim.Parameters.Add(new NpgsqlParameter { Value = sweepId });
            claim.Parameters.Add(new NpgsqlParameter { Value = slot.SlotId });
            claim.Parameters.Add(new NpgsqlParameter { Value = (object?)DispatchPolicy.RoomOf(slot) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            claim.Parameters.Add(new NpgsqlParameter { Value = now });
            batch.BatchCommands.Add(claim);
        }
        // Last, so the claims' results come first; it matches only the released runs, which no claim can take.
        if (releases.Count > 0) batch.BatchCommands.Add(ReleaseCommand(releases));
        var claimed = new List<ClaimedRun?>(claims.Count);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (var i = 0; i < claims.Count; i++)
        {
            claimed.Add(await reader.ReadAsync(ct)
                ? new ClaimedRun(reader.GetGuid(0), reader.GetString(1), JsonSerializer.Deserialize<RunConfig>(reader.GetString(2), SpecJson.Options)!,
                    reader.GetInt32(3), Enum.Parse<RunStatus>(reader.GetString(4)).IsTerminal())
                : null);
            await reader.NextResultAsync(ct);
        }
        return claimed;
    }

    /// <summary>
    /// Puts a run that was on the slot back in the queue, in its old place. A run that finished, or whose sweep was
    /// cancelled, leaves the queue instead. Returns the sweep it is waiting in again, or null.
    /// </summary>
    public async Task<Guid?> RequeueAsync(Guid runId, string slotId, CancellationToken ct = default)
    {
        // One statement, so the run is either deleted or back in the queue, never half of each.
        await using var command = db.CreateCommand($"""
            WITH gone AS (
                DELETE FROM run_queue q USING runs r, sweeps s
                WHERE q.run_id = $1 AND q.slot_id = $2 AND r.id = q.run_id AND s.id = q.sweep_id
                  AND (r.status NOT IN {Unfinished} OR s.status = {CancelledSweep})
                RETURNING q.run_id)
            UPDATE run_queue SET slot_id = NULL, assigned_at = NULL
            WHERE run_id = $1 AND slot_id = $2 AND NOT EXISTS (SELECT 1 FROM gone)
            RETURNING sweep_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        command.Parameters.Add(new NpgsqlParameter { Value = slotId });
        return await command.ExecuteScalarAsync(ct) is Guid sweepId ? sweepId : null;
    }

    /// <summary>The slots are done with these runs: they leave the queue. A slot a run is no longer on changes nothing.</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<(Guid RunId, string SlotId)> releases, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(ReleaseCommand(releases));
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand ReleaseCommand(IReadOnlyCollection<(Guid RunId, string SlotId)> releases)
    {
        var command = new NpgsqlBatchCommand("""
            DELETE FROM run_queue q USING unnest($1::uuid[], $2::text[]) AS done(run_id, slot_id)
            WHERE q.run_id = done.run_id AND q.slot_id = done.slot_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = releases.Select(r => r.RunId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = releases.Select(r => r.SlotId).ToArray() });
        return command;
    }

    /// <summary>Takes a waiting run out of the queue; the sweep it waited in, or null when it was not waiting.</summary>
    public async Task<Guid?> RemoveWaitingAsync(Guid runId, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("DELETE FROM run_queue WHERE run_id = $1 AND slot_id IS NULL RETURNING sweep_id");
        command.Parameters.Add(new NpgsqlParameter { Value = runId });
        return await command.ExecuteScalarAsync(ct) is Guid sweepId ? sweepId : null;
    }

    /// <summary>Takes the sweep's waiting runs out of the queue; its runs on slots stay until their slots release them.</summary>
    public async Task<int> RemoveWaitingOfSweepAsync(Guid sweepId, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("DELETE FROM run_queue WHERE sweep_id = $1 AND slot_id IS NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = sweepId });
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Each sweep's share of the waiting runs: of one sweep, or of all (read once, when the scheduler starts).</summary>
    public async Task<IReadOnlyList<QueuedSweep>> WaitingAsync(Guid? sweepId = null, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT sweep_id, owner, priority, min(position), count(*)::int FROM run_queue
            WHERE slot_id IS NULL AND ($1::uuid IS NULL OR sweep_id = $1)
            GROUP BY sweep_id, owner, priority
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)sweepId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        var sweeps = new List<QueuedSweep>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            sweeps.Add(new QueuedSweep(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt32(4)));
        return sweeps;
    }

    /// <summary>The runs on slots, with the attempt each was given (read when the scheduler starts).</summary>
    public async Task<IReadOnlyList<AssignedRun>> AssignedAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT q.run_id, q.sweep_id, q.owner, q.slot_id, r.dispatches, q.assigned_at
            FROM run_queue q JOIN runs r ON r.id = q.run_id WHERE q.slot_id IS NOT NULL
            """);
        var runs = new List<AssignedRun>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            runs.Add(new AssignedRun(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        return runs;
    }
}
