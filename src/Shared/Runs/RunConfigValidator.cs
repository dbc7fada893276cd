using ScaleLab.Validation;

namespace ScaleLab.Runs;

/// <summary>Checks that a run can actually be trained; <paramref name="fieldName"/> maps a JSON field to where the user wrote it.</summary>
public static class RunConfigValidator
{
    public static readonly IReadOnlySet<string> Tasks = new HashSet<string>(StringComparer.Ordinal) { "lm" };

    public static void Validate(RunConfig c, ValidationErrors errors, Func<string, string> fieldName)
    {
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors.Add(fieldName(field), message);
        }

        Check(c.Task is not null && Tasks.Contains(c.Task), "task", $"unknown task '{c.Task}'; supported: {string.Join(", ", Tasks)}");
        Check(c.DModel is >= 8 and <= 16384, "dModel", "must be between 8 and 16384");
        Check(c.NLayers is >= 1 and <= 256, "nLayers", "must be between 1 and 256");
        Check(c.NHeads is >= 1 and <= 256, "nHeads", "must be between 1 and 256");
        if (c.NHeads >= 1 && c.DModel >= 1 && c.DModel % c.NHeads != 0)
        {
            // Reported on both fields: whichever one the user varied is where they need to look.
            Check(false, "dModel", $"must be a multiple of nHeads ({c.DModel} is not a multiple of {c.NHeads})");
            Check(false, "nHeads", $"must divide dModel ({c.DModel} is not a multiple of {c.NHeads})");
        }
        Check(c.SeqLen is >= 8 and <= 8192, "seqLen", "must be between 8 and 8192");
        Check(c.BatchSize is >= 1 and <= 4096, "batchSize", "must be between 1 and 4096");
        Check(c.Tokens is >= 1 and <= 100_000_000_000_000, "tokens", "must be between 1 and 1e14");
        if (c.BatchSize >= 1 && c.SeqLen >= 1)
            Check(c.Tokens >= c.TokensPerStep, "tokens", $"must cover at least one step of batchSize x seqLen = {c.TokensPerStep} tokens");
        Check(double.IsFinite(c.LearningRate) && c.LearningRate > 0 && c.LearningRate <= 1, "learningRate", "must be a finite number in (0, 1]");
        Check(c.WarmupSteps is >= 0 and <= 10_000_000, "warmupSteps", "must be between 0 and 1e7");
        Check(double.IsFinite(c.WeightDecay) && c.WeightDecay is >= 0 and <= 1, "weightDecay", "must be a finite number in [0, 1]");
        Check(c.Seed >= 0, "seed", "must be non-negative");
        Check(c.EvalInterval >= 1, "evalInterval", "must be at least 1");
        Check(c.EvalBatches is >= 1 and <= 1000, "evalBatches", "must be between 1 and 1000");
        Check(c.LogInterval >= 1, "logInterval", "must be at least 1");
        Check(c.CheckpointInterval >= 0, "checkpointInterval", "must be 0 (final checkpoint only) or a positive number of steps");
        if (c.CheckpointInterval > 0 && c.LogInterval >= 1)
            Check(c.CheckpointInterval % c.LogInterval == 0, "checkpointInterval", $"must be a multiple of logInterval ({c.LogInterval})");
    }
}
