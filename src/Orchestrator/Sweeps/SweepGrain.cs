using ScaleLab.Runs;
using ScaleLab.Scheduling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Sweeps;

/// <summary>
/// Owns one sweep: expands the spec, stores sweep and runs, queues the runs and judges their progress for early
/// stopping; for an adaptive study, chooses its next runs as results come in. Its runs are counted home in the database, in the transaction that finishes each (RunStore), so its own
/// state does not grow with its runs. A reminder re-queues unfinished runs every few minutes, so a crash between any
/// two steps loses nothing (the scheduler and the run grain ignore a run that is already queued, running or finished).
/// </summary>
public sealed class SweepGrain(
    [PersistentState("sweep", StorageNames.Grains)] IPersistentState<SweepState> state,
    SweepStore store,
    Runs.RunStore runs,
    SweepLimits limits,
    Runs.LossPredictions predictions,
    Scaling.SweepPoints points,
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

        // An adaptive study stores only the runs of its first step (the grid is its candidates; Expand checked that step fits its cap).
        var design = spec.IsoFlop?.Adaptive is null ? null : AdaptiveSweep.Next(spec, runs, new Dictionary<Guid, RunStatus>(), [], null);
        if (design is not null) runs = design.Queue;
        await store.CreateAsync(SweepId, spec, specJson, runs, owner, design?.Log);
        // The reminder goes in before the runs are queued: if we die right after, it queues them.
        await this.RegisterOrUpdateReminder(EnsureQueuedReminder, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2));
        state.State = new SweepState
        {
            Accepted = true, RunCount = runs.Count,
            EarlyStopping = spec.EarlyStopping, SpecSha256 = specSha256, Adaptive = design is not null,
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
        if (state.State.Adaptive && !state.State.Cancelled) await AdvanceDesignAsync();
        if (!await store.IsFinishedAsync(SweepId)) return;
        await UnregisterEnsureQueuedAsync();
        logger.LogInformation("Sweep {SweepId} finished", SweepId);
    }

    public async Task<string?> JudgeProgressAsync(Guid runId, int step, int totalSteps, IReadOnlyDictionary<string, double> metrics)
    {
        var rule = state.State.EarlyStopping;
        if (rule is null || state.State.Cancelled || !metrics.TryGetValue(rule.Metric, out var value))
            return null;
        if (rule.Method == EarlyStoppingMethods.Law) return await JudgeByLawAsync(rule, runId, step, totalSteps);
        var judgedBefore = state.State.JudgedThrough.GetValueOrDefault(runId);
        var verdict = new SuccessiveHalving(rule, state.State.RungsByArm, state.State.JudgedThrough, state.State.ArmOf).Judge(runId, step, totalSteps, value);
        if (state.State.JudgedThrough.GetValueOrDefault(runId) != judgedBefore) await state.WriteStateAsync();
        return verdict;
    }

    /// <summary>
    /// Law-based stopping (<see cref="LawStopping"/>): at each of the rule's fractions of a run's steps, its final loss
    /// is predicted (the run page's prediction, <see cref="Runs.LossPredictions"/>) and set against its budget's rivals.
    /// A run that cannot be predicted yet (no finished run of its arm has annealed) trains on.
    /// </summary>
    private async Task<string?> JudgeByLawAsync(EarlyStopping rule, Guid runId, int step, int totalSteps)
    {
        if (LawStopping.Due(rule, step, totalSteps, state.State.JudgedThrough.GetValueOrDefault(runId)) is not { } due) return null;
        var prediction = await predictions.PredictAsync(runId, CancellationToken.None);
        state.State.JudgedThrough[runId] = due;
        if (prediction is not { Loss: { } loss, Low: { } low, High: { } high })
        {
            await state.WriteStateAsync();
            logger.LogDebug("Run {RunId} not judged at step {Step}: {Reason}", runId, step, prediction?.Reason);
            return null;
        }
        state.State.PredictedHigh[runId] = high;
        await state.WriteStateAsync();
        var (flops, parameters, group, rivals) = await store.RivalsAsync(SweepId, runId, state.State.PredictedHigh);
        var verdict = LawStopping.Judge(rule, new LawStopping.Candidate(runId, flops, parameters, group, step, totalSteps, loss, low, high, prediction.Level), rivals);
        return verdict;
    }

    /// <summary>
    /// An adaptive study's next step (<see cref="AdaptiveSweep"/>), from what is stored: queue the runs it picks, or end
    /// its choosing. Called when one of its runs ends and by the reminder, so a crash in between loses nothing; a step
    /// taken twice adds nothing the second time.
    /// </summary>
    private async Task AdvanceDesignAsync()
    {
        var design = await store.DesignAsync(SweepId);
        if (!design.Open) return;
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(design.SpecJson, errors);
        var grid = spec is null ? null : SweepExpander.Expand(SweepId, spec, limits, errors);
        if (spec is null || grid is null)
        {
            // Only a change of the deployment's limits since the study was accepted can bring this here.
            logger.LogError("Sweep {SweepId}: its grid no longer expands ({Errors}); it adds no more runs", SweepId, errors.ToString());
            await store.CloseDesignAsync(SweepId, (design.Log ?? new AdaptiveLog("", 0, 0, 0, [])) with { Stop = "the grid no longer expands under this deployment's limits: " + errors });
            return;
        }
        var finished = await points.LoadAsync([SweepId], AdaptiveSweep.GroupField(spec), errors, CancellationToken.None);
        // Hundreds of bootstrap refits per candidate: off the grain's scheduler, which other grains share. A step that
        // fails (a fit the numerics refuse) must not fail the run's completion that called it: the reminder tries again.
        AdaptiveSweep.Step step;
        try
        {
            step = await Task.Run(() => AdaptiveSweep.Next(spec, grid, design.Runs, finished.Points, design.Log));
        }
        catch (Exception ex) when (ex is ArithmeticException or ArgumentException or InvalidOperationException or MathNet.Numerics.NonConvergenceException)
        {
            logger.LogError(ex, "Sweep {SweepId}: the adaptive design's step failed; the sweep's reminder will try again", SweepId);
            return;
        }
        if (step.Stop is { } stop)
        {
            await store.CloseDesignAsync(SweepId, step.Log);
            logger.LogInformation("Sweep {SweepId}: adaptive design stopped ({Stop}) after {Rounds} rounds", SweepId, stop, step.Log.Rounds.Count);
        }
        else if (step.Queue.Count > 0 && await store.AddRunsAsync(SweepId, step.Queue, step.Log) > 0)
        {
            logger.LogInformation("Sweep {SweepId}: adaptive design round {Round} queues {Runs}", SweepId, step.Log.Rounds.Count, string.Join("; ", step.Queue.Select(r => r.Name)));
            await QueueUnfinishedAsync();
        }
    }

    public async Task CancelAsync()
    {
        if (!state.State.Accepted || state.State.Cancelled || await store.IsFinishedAsync(SweepId)) return;
        state.State.Cancelled = true; // nothing is judged from here on; the database's Cancelled stops queueing and counting
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
        if (!state.State.Cancelled) await runs.FailOrphanedBranchesAsync(SweepId);
        if (state.State.Adaptive && !state.State.Cancelled) await AdvanceDesignAsync();
        if (state.State.Cancelled || await store.IsFinishedAsync(SweepId)) await UnregisterEnsureQueuedAsync();
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
