namespace ScaleLab.Orchestrator.Infrastructure.Database;

/// <summary>
/// Grain-state rows that the tables replaced. The scheduler kept its queue, its slots and every run's attempt count in
/// one row; the migration to <see cref="Scheduling.RunQueue"/> carries over what cannot be rebuilt: the attempt numbers
/// already handed out (a new dispatch must hand out a larger one) and the runs on slots (so a training run is not
/// started twice). Runs that were waiting are queued again by their sweeps' reminders, which also compute their memory
/// estimates; the imported slot assignments get none (0 fits any slot), which matters only if they are re-queued. The
/// run grains kept a copy of their row (one grain-state row per run ever trained); the row is their state now. An
/// early-stopping verdict given to a run that is still training during the upgrade is not carried over: that run ends
/// as Cancelled rather than Stopped.
/// </summary>
public static class LegacyGrainRows
{
    public const string ImportSql = """
        UPDATE runs SET dispatches = attempt;
        DO $$
        BEGIN
            IF to_regclass('orleans.grain_state') IS NULL THEN RETURN; END IF;
            UPDATE runs r SET dispatches = GREATEST(r.dispatches, a.value::int)
            FROM (SELECT e.key, e.value FROM orleans.grain_state g
                  CROSS JOIN LATERAL jsonb_each_text(convert_from(g.payload, 'UTF8')::jsonb -> 'Attempts') e
                  WHERE g.grain_type = 'scheduler' AND g.payload IS NOT NULL AND e.key ~* '^[0-9a-f]{8}-[0-9a-f-]{27}$') a
            WHERE r.id = a.key::uuid;
            INSERT INTO run_queue (run_id, sweep_id, owner, priority, cuda_bytes, cpu_bytes, slot_id, queued_at, assigned_at)
            SELECT r.id, r.sweep_id, s.owner, s.priority, 0, 0, e.key, now(), (e.value ->> 'AssignedAt')::timestamptz
            FROM orleans.grain_state g
            CROSS JOIN LATERAL jsonb_each(convert_from(g.payload, 'UTF8')::jsonb -> 'Slots') e
            JOIN runs r ON r.id = (e.value -> 'Ticket' ->> 'RunId')::uuid
            JOIN sweeps s ON s.id = r.sweep_id
            WHERE g.grain_type = 'scheduler' AND g.payload IS NOT NULL AND jsonb_typeof(e.value) = 'object'
              AND jsonb_typeof(e.value -> 'Ticket') = 'object' AND r.status IN ('Queued', 'Running')
            ON CONFLICT (run_id) DO NOTHING;
            DELETE FROM orleans.grain_state WHERE grain_type IN ('scheduler', 'run');
        END $$;
        """;
}
