namespace ScaleLab.Runs;

/// <summary>
/// Whether a run may start from another run's checkpoint instead of from scratch: it must be the same model, data
/// and optimizer, and the two schedules must have given every step before the checkpoint the same learning rate.
/// Then the branch is exactly the run it would have been from scratch, having shared its first steps with its parent
/// (bit for bit on the CPU), and only its own steps cost compute.
/// </summary>
public static class Branching
{
    /// <summary>Why <paramref name="branch"/> cannot continue <paramref name="parent"/>'s checkpoint at <paramref name="step"/>, or null when it can.</summary>
    public static string? WhyNot(RunConfig parent, RunConfig branch, int step)
    {
        if (step < 1 || step > parent.Steps || step >= branch.Steps)
            return $"step {step} is not inside both runs (the parent has {parent.Steps} steps, the branch {branch.Steps})";
        if (Comparable(parent) != Comparable(branch))
            return "the parent trains another model, data or optimizer; a branch may change only its length and the schedule after the branch point";
        for (var i = 0; i < step; i++)
            if (LearningRateSchedule.At(i, parent) != LearningRateSchedule.At(i, branch))
                return $"the two schedules differ at step {i} ({LearningRateSchedule.At(i, parent):G4} against {LearningRateSchedule.At(i, branch):G4}), before the branch point";
        return null;
    }

    /// <summary>The fields that may differ (length, schedule, logging) set alike; the schedules are compared rate by rate instead.</summary>
    private static RunConfig Comparable(RunConfig c) => c with
    {
        Tokens = 0,
        InitFrom = null,
        Schedule = "",
        DecayFraction = 0,
        CooldownShape = "",
        WarmupSteps = 0,
        EvalInterval = 1,
        EvalBatches = 1,
        FinalEvalTokens = 0,
        LogInterval = 1,
        CheckpointInterval = 0,
    };
}
