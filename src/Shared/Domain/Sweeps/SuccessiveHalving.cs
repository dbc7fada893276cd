namespace ScaleLab.Sweeps;

/// <summary>
/// The bookkeeping of ASHA (<see cref="EarlyStopping"/>) for one sweep: the values recorded at each rung and how far
/// each run has been judged. Runs are ranked only against runs of their own arm: in an ablation, an arm is the runs
/// equal up to learning rate and seed, so early stopping picks each arm's promising rates and never decides between
/// architectures (ranked across arms it once stopped every run of 4 of 5 arms). Pure; the sweep grain persists it.
/// </summary>
public sealed class SuccessiveHalving(
    EarlyStopping rule,
    IDictionary<string, List<double>> recordedByArmAndRung,
    IDictionary<Guid, int> judgedThrough,
    IReadOnlyDictionary<Guid, string> armOf)
{
    /// <summary>Why the run stops now, or null to let it continue. Records its value at every rung passed since it was last judged.</summary>
    public string? Judge(Guid runId, int step, int totalSteps, double value)
    {
        var judged = judgedThrough.TryGetValue(runId, out var j) ? j : 0;
        // Every rung this run has passed since it was last judged (a resumed run may skip some), judged by this value.
        var due = rule.Rungs(totalSteps).Where(r => r <= step && r > judged).ToList();
        if (due.Count == 0) return null;
        var arm = armOf.TryGetValue(runId, out var a) ? a : "";
        string? verdict = null;
        foreach (var rung in due)
        {
            var key = $"{arm}@{rung}";
            if (!recordedByArmAndRung.TryGetValue(key, out var recorded)) recordedByArmAndRung[key] = recorded = [];
            recorded.Add(value);
            if (rule.ShouldStop(value, recorded))
            {
                var among = arm.Length == 0 ? $"the {recorded.Count} runs" : $"the {recorded.Count} runs of arm {arm}";
                verdict = $"stopped early at step {step} (rung {rung}): {rule.Metric} {value:G4} is outside the best 1/{rule.ReductionFactor} of {among} that reached that rung";
                break;
            }
        }
        judgedThrough[runId] = due[^1];
        return verdict;
    }
}
