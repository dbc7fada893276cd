namespace ScaleLab.Runs;

/// <summary>
/// What a run's config says about how it is run rather than what it learns: its seed, length, warmup, starting point,
/// evaluation, logging and checkpoints. Groupings of runs by what they learn (an annealing-law arm, a frontier's
/// rivals) leave these out.
/// </summary>
public static class RunBookkeeping
{
    public static RunConfig Without(RunConfig c) => c with
    {
        Seed = 0,
        Tokens = 0,
        WarmupSteps = 0,
        InitFrom = null,
        EvalInterval = 0,
        EvalBatches = 0,
        FinalEvalTokens = 0,
        LogInterval = 0,
        CheckpointInterval = 0,
    };
}
