namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// Gives log lines written before run_events had a kind their kind, slot and step, read once from their wording (the
/// wording the orchestrator and the worker used then). Run by the migration that added the columns; nothing reads
/// the wording afterwards.
/// </summary>
public static class RunEventBackfill
{
    public const string Sql = """
        UPDATE run_events SET kind = 'Assigned', slot = substring(message from '^attempt \d+ assigned to slot (.+)$')
            WHERE kind = 'Note' AND message ~ '^attempt \d+ assigned to slot ';
        UPDATE run_events SET kind = 'Resumed', step = substring(message from 'resuming from the checkpoint at step (\d+)')::int,
                              slot = substring(message from 'slot ([^)]+)\)$')
            WHERE kind = 'Note' AND message ~ '^training on .*resuming from the checkpoint at step \d+';
        UPDATE run_events SET kind = 'Started', slot = substring(message from 'slot ([^)]+)\)$')
            WHERE kind = 'Note' AND message ~ '^training on .*from scratch';
        UPDATE run_events SET kind = 'Checkpoint', step = substring(message from '^checkpoint at step (\d+) stored')::int
            WHERE kind = 'Note' AND message ~ '^checkpoint at step \d+ stored';
        UPDATE run_events SET kind = 'Requeued' WHERE kind = 'Note' AND message LIKE 're-queued%';
        UPDATE run_events SET kind = 'Succeeded' WHERE kind = 'Note' AND message LIKE 'succeeded%';
        UPDATE run_events SET kind = 'Failed' WHERE kind = 'Note' AND message LIKE 'failed%';
        UPDATE run_events SET kind = 'Stopped' WHERE kind = 'Note' AND message LIKE 'stopped%';
        UPDATE run_events SET kind = 'Cancelled' WHERE kind = 'Note' AND message LIKE 'cancelled%';
        """;
}
