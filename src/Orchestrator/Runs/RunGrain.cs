using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// The authority on a run's status. Its one rule: a run that reached a terminal status never trains again, and
/// only the current attempt may report or complete (a stale attempt from a worker presumed dead is ignored). The
/// run's row is its state (<see cref="RunStore"/>): each rule is a guard on the row's attempt and status, checked in
/// the statement that writes it, so the grain keeps nothing of its own and a finished run's activation can go at once.
/// Holding nothing, it is a stateless worker: activated on the silo that takes the call, with no entry in the cluster's
/// grain directory to register and remove for every run (at 100 runs/s, 200 directory calls a second), and two
/// activations of one run at once are as safe as one, the guards being in the database.
/// </summary>
[Orleans.Concurrency.StatelessWorker]
public sealed class RunGrain(RunStore store, ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private Guid RunId => this.GetPrimaryKey();

    public async Task<bool> BeginAttemptAsync(Guid sweepId, string slotId, int attempt)
    {
        if (!await store.BeginAttemptAsync(RunId, attempt, slotId)) return false;
        logger.LogDebug("Run {RunId} attempt {Attempt} started on {SlotId}", RunId, attempt, slotId);
        return true;
    }

    public async Task ReportProgressAsync(int attempt, RunProgress progress)
    {
        if (await store.RecordProgressAsync(RunId, attempt, progress) is not { StopReason: null } run) return;
        if (progress.Metrics is not { Count: > 0 } metrics || run.SweepId == Guid.Empty) return;
        var verdict = await GrainFactory.GetGrain<ISweepGrain>(run.SweepId).JudgeProgressAsync(RunId, progress.Step, progress.TotalSteps, metrics);
        if (verdict is null || !await store.MarkStoppingAsync(RunId, attempt, verdict)) return;
        logger.LogInformation("Run {RunId}: {Verdict}", RunId, verdict);
        // On a slot, the worker's cancelled attempt completes the run (as Stopped, see RunStore). Otherwise no worker
        // will report, so the run ends here; a late report of this attempt is then ignored, the run being terminal.
        if (!await GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).StopRunAsync(RunId))
            await CompleteAsync(run.SweepId, "", new RunResult(RunId, attempt, RunStatus.Cancelled, 0, 0, 0, null, null, null, 0, 0, verdict));
    }

    public async Task CompleteAsync(Guid sweepId, string slotId, RunResult result)
    {
        // Rows, log line and the sweep's count commit together; a repeated or stale completion changes nothing.
        if (await store.CompleteAsync(sweepId, result) is { } completion)
        {
            logger.LogDebug("Run {RunId} attempt {Attempt} {Status} (loss {Loss})", RunId, result.Attempt, completion.Result.Status, result.FinalLoss);
            // The sweep's reminder would find out within minutes; telling it now retires the reminder at once.
            var sweepFinished = completion.SweepFinished;
            // A ladder's trunk: its branches queue once it has succeeded, and fail with it otherwise (the reminder does both too).
            if (completion.Result.Status == RunStatus.Succeeded)
            {
                if (await store.HasWaitingBranchesAsync(RunId)) await GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).EnqueueSweepAsync(sweepId);
            }
            else sweepFinished |= await store.FailOrphanedBranchesAsync(sweepId);
            // An adaptive study chooses its next runs from this one's result.
            if (sweepFinished || completion.DesignOpen) await GrainFactory.GetGrain<ISweepGrain>(sweepId).RunFinishedAsync(RunId, completion.Result.Status);
        }
        // Free the slot even for a stale or repeated completion: the worker is done with it either way.
        await GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).ReleaseAsync(slotId, RunId);
        DeactivateOnIdle();
    }
}
