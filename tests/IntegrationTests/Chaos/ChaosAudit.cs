using ScaleLab.Runs;

namespace ScaleLab.IntegrationTests.Chaos;

/// <summary>A row of table runs, as the audit needs it.</summary>
public sealed record StudyRun(Guid Id, RunStatus Status, int TotalSteps, int LogInterval, int CheckpointInterval);

/// <summary>A row of table run_events.</summary>
public sealed record RunLine(long Id, Guid RunId, int Attempt, DateTimeOffset At, RunEventKind Kind, string? Slot, int? Step);

/// <summary>A loss point: a row of table metrics, or one write of it (the test's trigger records every insert and overwrite).</summary>
public sealed record LossPoint(Guid RunId, int Step, int Attempt);

/// <summary>A kill the test made: when, and for a worker, the silo port its slots are named by.</summary>
public sealed record Kill(DateTimeOffset At, ChaosTarget Target, int? WorkerPort);

/// <summary>What the database holds about a study after the chaos, read once.</summary>
public sealed record StudyRecord(
    IReadOnlyList<StudyRun> Runs, IReadOnlyList<RunLine> Lines, IReadOnlyList<LossPoint> Losses, IReadOnlyList<LossPoint> LossWrites);

/// <summary>A run that was training on a killed worker, and how long until another slot took it.</summary>
public sealed record Requeue(Kill Kill, Guid RunId, TimeSpan Latency);

/// <summary>
/// The exactly-once audit of a study trained through kills, and its figures: pure functions over what the database
/// holds (<see cref="StudyRecord"/>) and the kills made. Each check returns its violations, one line per fault, empty
/// when the property holds.
/// </summary>
public static class ChaosAudit
{
    private static readonly RunEventKind[] Terminal = [RunEventKind.Succeeded, RunEventKind.Failed, RunEventKind.Stopped, RunEventKind.Cancelled];

    /// <summary>Every run Succeeded, with exactly one terminal line in its log, a Succeeded one.</summary>
    public static List<string> RunsNotSucceededExactlyOnce(StudyRecord study)
    {
        var faults = new List<string>();
        foreach (var run in study.Runs)
        {
            if (run.Status != RunStatus.Succeeded) faults.Add($"run {run.Id}: status {run.Status}");
            var endings = study.Lines.Where(l => l.RunId == run.Id && Terminal.Contains(l.Kind)).ToList();
            if (endings is not [{ Kind: RunEventKind.Succeeded }])
                faults.Add($"run {run.Id}: terminal events [{string.Join(", ", endings.Select(e => $"{e.Kind} (attempt {e.Attempt}, event {e.Id})"))}]");
        }
        return faults;
    }

    /// <summary>Each run has one loss point at every logInterval step from logInterval to its last step, and no other.</summary>
    public static List<string> LostOrDuplicatedSteps(StudyRecord study)
    {
        var faults = new List<string>();
        var byRun = study.Losses.ToLookup(p => p.RunId);
        foreach (var run in study.Runs)
        {
            var expected = Enumerable.Range(1, run.TotalSteps / run.LogInterval).Select(i => i * run.LogInterval).ToHashSet();
            var stored = byRun[run.Id].GroupBy(p => p.Step).ToDictionary(g => g.Key, g => g.Count());
            var missing = expected.Where(s => !stored.ContainsKey(s)).Order().ToList();
            var extra = stored.Keys.Where(s => !expected.Contains(s)).Order().ToList();
            var duplicated = stored.Where(kv => kv.Value > 1).Select(kv => kv.Key).Order().ToList();
            if (missing.Count > 0) faults.Add($"run {run.Id}: no loss at steps {string.Join(", ", missing)}");
            if (extra.Count > 0) faults.Add($"run {run.Id}: loss at unexpected steps {string.Join(", ", extra)}");
            if (duplicated.Count > 0) faults.Add($"run {run.Id}: several losses at steps {string.Join(", ", duplicated)}");
        }
        return faults;
    }

    /// <summary>
    /// Every Resumed line names the step of a Checkpoint line an earlier attempt stored before it, and the resumed
    /// attempt's first loss point is one log interval after that step; no later attempt started from scratch when a
    /// checkpoint was already stored.
    /// </summary>
    public static List<string> ResumesNotFromStoredCheckpoints(StudyRecord study)
    {
        var faults = new List<string>();
        var logInterval = study.Runs.ToDictionary(r => r.Id, r => r.LogInterval);
        var firstWrite = study.LossWrites.GroupBy(w => (w.RunId, w.Attempt)).ToDictionary(g => g.Key, g => g.Min(w => w.Step));
        foreach (var begin in study.Lines.Where(l => l.Kind is RunEventKind.Resumed or RunEventKind.Started))
        {
            var stored = study.Lines.Where(c => c.RunId == begin.RunId && c.Kind == RunEventKind.Checkpoint && c.Id < begin.Id && c.Attempt < begin.Attempt).ToList();
            if (begin.Kind == RunEventKind.Started)
            {
                if (stored.Count > 0)
                    faults.Add($"run {begin.RunId} attempt {begin.Attempt}: started from scratch although checkpoints at steps "
                        + $"{string.Join(", ", stored.Select(c => c.Step))} were stored (event {begin.Id})");
                continue;
            }
            if (!stored.Any(c => c.Step == begin.Step) && !StoredWithoutItsLogLine(study, begin, stored))
                faults.Add($"run {begin.RunId} attempt {begin.Attempt}: resumed at step {begin.Step} (event {begin.Id}), but the checkpoints "
                    + $"stored before were at steps [{string.Join(", ", stored.Select(c => c.Step))}]");
            if (firstWrite.TryGetValue((begin.RunId, begin.Attempt), out var first) && first != begin.Step + logInterval[begin.RunId])
                faults.Add($"run {begin.RunId} attempt {begin.Attempt}: resumed at step {begin.Step}, first loss point at step {first}");
        }
        return faults;
    }

    /// <summary>
    /// A worker logs a checkpoint after its upload has committed, so a kill between the two leaves a stored checkpoint
    /// with no log line (seen: a resume at step 400 with lines for 100, 200 and 300). Such a resume is from a stored
    /// checkpoint when its step is on the run's checkpoint interval, past the last logged one, and within what an
    /// earlier attempt had stored of its loss points: the uploader stores a checkpoint only after the points up to its
    /// step are stored, so no checkpoint can be ahead of them.
    /// </summary>
    private static bool StoredWithoutItsLogLine(StudyRecord study, RunLine begin, IReadOnlyList<RunLine> logged)
    {
        var run = study.Runs.Single(r => r.Id == begin.RunId);
        var step = begin.Step ?? 0;
        var pointsBefore = study.LossWrites.Where(w => w.RunId == begin.RunId && w.Attempt < begin.Attempt).Select(w => w.Step).DefaultIfEmpty(0).Max();
        return run.CheckpointInterval > 0 && step > 0 && step % run.CheckpointInterval == 0
               && step > logged.Select(c => c.Step ?? 0).DefaultIfEmpty(0).Max() && step <= pointsBefore;
    }

    /// <summary>
    /// For each worker kill, the runs whose latest assignment before it was on the killed silo and that were assigned
    /// again afterwards: the time from the kill to that next assignment. (A run whose attempt there had already
    /// finished, or finished reporting as it died, is not assigned again and not counted.)
    /// </summary>
    public static List<Requeue> Requeues(StudyRecord study, IEnumerable<Kill> kills)
    {
        var assigned = study.Lines.Where(l => l.Kind == RunEventKind.Assigned && l.Slot is not null).ToLookup(l => l.RunId);
        var requeues = new List<Requeue>();
        foreach (var kill in kills.Where(k => k.Target == ChaosTarget.Worker))
            foreach (var lines in assigned)
            {
                var before = lines.LastOrDefault(l => l.At <= kill.At);
                if (before is null || PortOf(before.Slot!) != kill.WorkerPort) continue;
                if (study.Lines.Any(l => l.RunId == lines.Key && Terminal.Contains(l.Kind) && l.At <= kill.At)) continue;
                if (lines.FirstOrDefault(l => l.At > kill.At) is { } next) requeues.Add(new Requeue(kill, lines.Key, next.At - kill.At));
            }
        return requeues;
    }

    /// <summary>
    /// Steps trained and thrown away: for each attempt that began training after another one had, how far the attempt
    /// before it had logged past the step this one began at (its checkpoint's, or 0 from scratch). Steps trained after
    /// an attempt's last stored loss point are not seen, so this is a lower bound.
    /// </summary>
    public static long WastedSteps(StudyRecord study)
    {
        var lastWrite = study.LossWrites.GroupBy(w => (w.RunId, w.Attempt)).ToDictionary(g => g.Key, g => g.Max(w => w.Step));
        long wasted = 0;
        foreach (var begins in study.Lines.Where(l => l.Kind is RunEventKind.Resumed or RunEventKind.Started).GroupBy(l => l.RunId))
        {
            var attempts = begins.OrderBy(l => l.Attempt).ToList();
            for (var i = 1; i < attempts.Count; i++)
                if (lastWrite.TryGetValue((begins.Key, attempts[i - 1].Attempt), out var logged))
                    wasted += Math.Max(0, logged - (attempts[i].Step ?? 0));
        }
        return wasted;
    }

    /// <summary>Slot ids are "{ip}:{port}@{generation}/{device}"; the port says which worker process owns it.</summary>
    public static int PortOf(string slotId) => int.Parse(slotId.Split('@')[0].Split(':')[^1]);

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..1) of a non-empty list.</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
