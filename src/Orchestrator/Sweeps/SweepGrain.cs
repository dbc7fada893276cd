using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Sweeps;

/// <summary>
/// Owns one sweep: expands the spec, stores sweep and runs, queues the runs and counts them home.
/// A reminder re-queues unfinished runs every few minutes, so a crash between any two steps loses nothing
/// (the scheduler and the run grain ignore a run that is already queued, running or finished).
/// </summary>
public sealed class SweepGrain(
    [PersistentState("sweep", StorageNames.Grains)] IPersistentState<SweepState> state,
    SweepStore store,
    SweepLimits limits,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string EnsureQueuedReminder = "ensure-queued";

    private Guid SweepId => this.GetPrimaryKey();

    public async Task<SweepSubmission> SubmitAsync(string specJson, string owner)
    {
        // Of the spec as parsed, so a retry that only re-spaces the JSON (or sends the YAML again) is the same submission.
        var canonical = System.Text.Json.Nodes.JsonNode.Parse(specJson)?.ToJsonString() ?? "";
        var specSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));
        if (state.State.Accepted)
            return new SweepSubmission(new SweepAccepted(SweepId, state.State.RunCount),
                ConflictingSpec: state.State.SpecSha256 is { } accepted && accepted != specSha256);

        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(specJson, errors);
        var runs = spec is null ? null : SweepExpander.Expand(SweepId, spec, limits, errors);
        if (spec is null || runs is null) throw new ArgumentException($"Invalid sweep spec: {errors}");

        await store.CreateAsync(SweepId, spec, specJson, runs, owner);
        // The reminder goes in before the runs are queued: if we die right after, it queues them.
        await this.RegisterOrUpdateReminder(EnsureQueuedReminder, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2));
        state.State = new SweepState
        {
            Accepted = true, Priority = spec.Priority, RunCount = runs.Count, Unfinished = runs.Select(r => r.RunId).ToHashSet(),
            EarlyStopping = spec.EarlyStopping, SpecSha256 = specSha256,
            // Early stopping ranks a run only among its own arm's runs, so it can never decide an ablation by itself.
            ArmOf = spec.Kind == StudyKinds.Ablation && spec.EarlyStopping is not null
                ? runs.Zip(ScaleLab.Analysis.ArmComparison.ArmLabels(runs.Select(r => r.Config).ToList())).ToDictionary(p => p.First.RunId, p => p.Second)
                : [],
        };
        await state.WriteStateAsync();

        await QueueUnfinishedAsync();
        logger.LogInformation("Sweep {SweepId} '{Name}' accepted with {Runs} runs", SweepId, spec.Name, runs.Count);
        return new SweepSubmission(new SweepAccepted(SweepId, runs.Count), ConflictingSpec: false);
    }

    public async Task RunFinishedAsync(Guid runId, RunStatus status)
    {
        if (!state.State.Unfinished.Remove(runId)) return;
        if (status is RunStatus.Succeeded or RunStatus.Stopped) state.State.Succeeded++; // an early-stopped run finished as planned
        else state.State.Failed++;
        if (status == RunStatus.Stopped) state.State.Stopped++;
        await state.WriteStateAsync();

        var finished = state.State.Succeeded + state.State.Failed;
        var sweepStatus = state.State.Unfinished.Count > 0 ? SweepStatus.Running
            : state.State.Failed == 0 ? SweepStatus.Succeeded : SweepStatus.CompletedWithFailures;
        await store.UpdateProgressAsync(SweepId, sweepStatus, finished, state.State.Failed);
        if (state.State.Unfinished.Count == 0)
        {
            await UnregisterEnsureQueuedAsync();
            logger.LogInformation("Sweep {SweepId} finished: {Succeeded} succeeded, {Failed} failed", SweepId, state.State.Succeeded, state.State.Failed);
        }
    }

    public async Task<string?> JudgeProgressAsync(Guid runId, int step, int totalSteps, IReadOnlyDictionary<string, double> metrics)
    {
        var rule = state.State.EarlyStopping;
        if (rule is null || state.State.Cancelled || !state.State.Unfinished.Contains(runId) || !metrics.TryGetValue(rule.Metric, out var value))
            return null;
        var judgedBefore = state.State.JudgedThrough.GetValueOrDefault(runId);
        var verdict = new SuccessiveHalving(rule, state.State.RungsByArm, state.State.JudgedThrough, state.State.ArmOf).Judge(runId, step, totalSteps, value);
        if (state.State.JudgedThrough.GetValueOrDefault(runId) != judgedBefore) await state.WriteStateAsync();
        return verdict;
    }

    public async Task CancelAsync()
    {
        if (!state.State.Accepted || state.State.Cancelled || state.State.Unfinished.Count == 0) return;
        state.State.Cancelled = true;
        state.State.Unfinished.Clear(); // nothing is re-queued from here on, and late completions are ignored
        await state.WriteStateAsync();
        await UnregisterEnsureQueuedAsync();
        await store.CancelAsync(SweepId);
        // The scheduler stops the sweep's running runs; their attempts then complete as Cancelled through the run grains.
        await GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).CancelSweepAsync(SweepId);
        logger.LogInformation("Sweep {SweepId} cancelled", SweepId);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != EnsureQueuedReminder) return;
        if (state.State.Unfinished.Count == 0) await UnregisterEnsureQueuedAsync();
        else await QueueUnfinishedAsync();
    }

    private Task QueueUnfinishedAsync() =>
        GrainFactory.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).EnqueueSweepAsync(SweepId);

    private async Task UnregisterEnsureQueuedAsync()
    {
        var reminder = await this.GetReminder(EnsureQueuedReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }
}
