using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;

namespace ScaleLab.Orchestrator.Runs;

/// <summary>
/// The authority on a run's status. Its one rule: a run that reached a terminal status never trains again, and
/// only the current attempt may report or complete (a stale attempt from a worker presumed dead is ignored).
/// </summary>
public sealed class RunGrain(
    [PersistentState("run", StorageNames.Grains)] IPersistentState<RunState> state,
    RunStore store,
    RunLog log,
    ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private Guid RunId => this.GetPrimaryKey();

    public async Task<bool> BeginAttemptAsync(Guid sweepId, string slotId, int attempt)
    {
        if (state.State.Status.IsTerminal() || attempt < state.State.Attempt) return false;
        state.State.Status = RunStatus.Running;
        state.State.Attempt = attempt;
        state.State.SlotId = slotId;
        state.State.SweepId = sweepId;
        await state.WriteStateAsync();
        await store.MarkRunningAsync(RunId, attempt, slotId);
        logger.LogInformation("Run {RunId} attempt {Attempt} started on {SlotId}", RunId, attempt, slotId);
        await log.AppendAsync(RunId, attempt, RunEventKind.Assigned, $"attempt {attempt} assigned to slot {slotId}", slotId);
        return true;
    }

    public async Task ReportProgressAsync(int attempt, RunProgress progress)
    {
        if (attempt != state.State.Attempt || state.State.Status != RunStatus.Running) return;
        await store.RecordProgressAsync(RunId, attempt, progress);
        if (progress.Metrics is not { Count: > 0 } metrics || state.State.StopReason is not null || state.State.SweepId == Guid.Empty) return;
        var verdict = await GrainFactory.GetGrain<ISweepGrain>(state.State.SweepId).JudgeProgressAsync(RunId, progress.Step, progress.TotalSteps, metrics);
        if (verdict is null) return;
        state.State.StopReason = verdict;
        await state.WriteStateAsync();
        await log.AppendAsync(RunId, attempt, RunEventKind.Note, verdict);
        logger.LogInformation("Run {RunId}: {Verdict}", RunId, verdict);
        // On a slot, the worker's cancelled attempt completes the run (as Stopped, below). Otherwise no worker will
        // report, so the run ends here; a late report of this attempt is then ignored, the run being terminal.
        if (!await GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).StopRunAsync(RunId))
            await CompleteAsync(state.State.SweepId, state.State.SlotId ?? "", new RunResult(RunId, attempt, RunStatus.Stopped, 0, 0, 0, null, null, null, 0, 0, verdict));
    }

    public async Task CompleteAsync(Guid sweepId, string slotId, RunResult result)
    {
        // The attempt was cancelled because the early-stopping rule stopped it: that is how this run ends.
        if (result.Status == RunStatus.Cancelled && state.State.StopReason is { } reason)
            result = result with { Status = RunStatus.Stopped, Error = reason };
        var current = !state.State.Status.IsTerminal() && result.Attempt == state.State.Attempt;
        if (current)
        {
            // Rows and sweep first, our own state last: if we die in between, the worker's retry redoes it all,
            // and each of these steps is idempotent.
            await store.CompleteAsync(sweepId, result);
            await GrainFactory.GetGrain<ISweepGrain>(sweepId).RunFinishedAsync(RunId, result.Status);
            state.State.Status = result.Status;
            await state.WriteStateAsync();
            logger.LogInformation("Run {RunId} attempt {Attempt} {Status} (loss {Loss})", RunId, result.Attempt, result.Status, result.FinalLoss);
            await log.AppendAsync(RunId, result.Attempt, Outcome(result.Status), result.Status == RunStatus.Succeeded
                ? $"succeeded after {result.Steps} steps: loss {result.FinalLoss:F4}, val loss {result.FinalValLoss:F4}, {result.WallClockSeconds:F0} s"
                : $"{result.Status.ToString().ToLowerInvariant()}{(result.Error is null ? "" : ": " + result.Error)}");
        }
        // Free the slot even for a stale or repeated completion: the worker is done with it either way.
        await GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).ReleaseAsync(slotId, RunId);
    }

    private static RunEventKind Outcome(RunStatus status) => status switch
    {
        RunStatus.Succeeded => RunEventKind.Succeeded,
        RunStatus.Stopped => RunEventKind.Stopped,
        RunStatus.Cancelled => RunEventKind.Cancelled,
        _ => RunEventKind.Failed,
    };
}
