using ScaleLab.Validation;

namespace ScaleLab.Runs;

/// <summary>Checks that a run can actually be trained; <paramref name="fieldName"/> maps a JSON field to where the user wrote it.</summary>
public static class RunConfigValidator
{
    /// <summary>Optimizer steps a run may take: far beyond any real run, and well within the engine's int step counter.</summary>
    public const long MaxSteps = 100_000_000;

    public static IReadOnlySet<string> Tasks => TaskKinds.All;

    private static readonly string[] FeatureMaps = ["elu+1", "relu", "taylor"];
    private static readonly string[] Schedules = ["cosine", "wsd"];
    private static readonly string[] Tokenizers = ["bytes", "bpe"];

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
        {
            Check(c.Tokens >= c.TokensPerStep, "tokens", $"must cover at least one step of batchSize x seqLen = {c.TokensPerStep} tokens");
            Check(c.StepCount <= MaxSteps, "tokens", $"needs {c.StepCount:N0} steps of batchSize x seqLen = {c.TokensPerStep} tokens; at most {MaxSteps:N0} are allowed");
        }
        Check(double.IsFinite(c.LearningRate) && c.LearningRate > 0 && c.LearningRate <= 1, "learningRate", "must be a finite number in (0, 1]");
        Check(c.WarmupSteps is >= 0 and <= 10_000_000, "warmupSteps", "must be between 0 and 1e7");
        Check(double.IsFinite(c.WeightDecay) && c.WeightDecay is >= 0 and <= 1, "weightDecay", "must be a finite number in [0, 1]");
        Check(c.Seed >= 0, "seed", "must be non-negative");
        Check(c.EvalInterval >= 1, "evalInterval", "must be at least 1");
        Check(c.EvalBatches is >= 1 and <= 1000, "evalBatches", "must be between 1 and 1000");
        Check(c.FinalEvalTokens is >= 0 and <= 1_000_000_000, "finalEvalTokens", "must be between 0 (a periodic evaluation) and 1e9");
        Check(c.LogInterval >= 1, "logInterval", "must be at least 1");
        ValidateArchitecture(c, Check);
        ValidateTraining(c, Check);
        Check(c.CheckpointInterval >= 0, "checkpointInterval", "must be 0 (final checkpoint only) or a positive number of steps");
        if (c.CheckpointInterval > 0 && c.LogInterval >= 1)
            Check(c.CheckpointInterval % c.LogInterval == 0, "checkpointInterval", $"must be a multiple of logInterval ({c.LogInterval})");
    }

    private static void ValidateArchitecture(RunConfig c, Action<bool, string, string> check)
    {
        var mixerOk = c.Mixer is not null && Models.Mixers.All.Contains(c.Mixer);
        check(mixerOk, "mixer", $"unknown mixer '{c.Mixer}'; supported: {string.Join(", ", Models.Mixers.All)}");
        if (c.Mixer == Models.Mixers.Hybrid)
        {
            var layers = Models.Mixers.Pattern(c);
            var bad = layers.Where(m => !Models.Mixers.Layer.Contains(m)).ToList();
            check(bad.Count == 0 && layers.Count <= 256, "hybridPattern",
                $"must be 1-256 comma-separated mixers of: {string.Join(", ", Models.Mixers.Layer)}" + (bad.Count > 0 ? $" ('{bad[0]}' is not one)" : ""));
        }
        check(c.Window is >= 1 and <= 65536, "window", "must be between 1 and 65536");
        check(c.ShortConv is >= 0 and <= 16, "shortConv", "must be between 0 (none) and 16 taps");
        if (c.Mixer == Models.Mixers.Based)
            check(c.FeatureMap == "taylor", "featureMap", "based is Taylor-map linear attention: featureMap must be taylor");
        check(c.FeatureMap is not null && FeatureMaps.Contains(c.FeatureMap), "featureMap", $"must be one of: {string.Join(", ", FeatureMaps)}");
        check(c.FeatureDim is >= 1 and <= 128, "featureDim", "must be between 1 and 128");
        check(c.StateSize is >= 1 and <= 256, "stateSize", "must be between 1 and 256");
        if (c.Mixer == Models.Mixers.Gla || (c.Mixer == Models.Mixers.Hybrid && (c.HybridPattern ?? "").Contains(Models.Mixers.Gla, StringComparison.Ordinal)))
        {
            check(c.GlaHeads is >= 1 and <= 64, "glaHeads", "must be between 1 and 64");
            check(c.GlaKeyRatio is 0.25 or 0.5 or 1.0, "glaKeyRatio", "must be 0.25, 0.5 (the paper's d_k = d/2) or 1");
            if (c.GlaHeads is >= 1 and <= 64 && c.DModel >= 1)
                check(c.DModel % c.GlaHeads == 0 && c.GlaKeyDim % c.GlaHeads == 0 && c.GlaKeyDim >= c.GlaHeads, "glaHeads",
                    $"must divide dModel ({c.DModel}) and the key width dModel x glaKeyRatio ({c.GlaKeyDim})");
        }
        check(c.Parametrization is not null && Parametrizations.All.Contains(c.Parametrization), "parametrization", $"must be one of: {string.Join(", ", Parametrizations.All)}");
        check(c.MupBaseWidth is >= 8 and <= 16384, "mupBaseWidth", "must be between 8 and 16384: the d_model of the model the learning rate was tuned at");
        check(c.Positions is not null && Models.PositionKinds.All.Contains(c.Positions), "positions", $"must be one of: {string.Join(", ", Models.PositionKinds.All)}");
        if (c.Positions == Models.PositionKinds.Rope && c.NHeads >= 1 && c.DModel % c.NHeads == 0)
            check(c.DModel / c.NHeads % 2 == 0, "positions", $"rope needs an even head dimension (dModel / nHeads = {c.DModel / Math.Max(1, c.NHeads)})");
    }

    private static void ValidateTraining(RunConfig c, Action<bool, string, string> check)
    {
        check(c.Schedule is not null && Schedules.Contains(c.Schedule), "schedule", $"must be one of: {string.Join(", ", Schedules)}");
        check(double.IsFinite(c.DecayFraction) && c.DecayFraction is > 0 and <= 1, "decayFraction", "must be a finite number in (0, 1]");
        check(c.CooldownShape is not null && CooldownShapes.All.Contains(c.CooldownShape), "cooldownShape", $"must be one of: {string.Join(", ", CooldownShapes.All)}");
        if (c.InitFrom is { } from)
            check(from.Run != Guid.Empty && from.Step >= 1 && from.Step < c.StepCount, "initFrom", "must name a run and a step between 1 and the run's last step");
        check(c.MicroBatches is >= 1 and <= 4096, "microBatches", "must be between 1 and 4096");
        if (c.MicroBatches >= 1 && c.BatchSize >= 1)
            check(c.BatchSize % c.MicroBatches == 0, "microBatches", $"must divide batchSize ({c.BatchSize})");
        check(c.Precision is not null && Precisions.All.Contains(c.Precision), "precision", $"must be one of: {string.Join(", ", Precisions.All)}");
        check(c.Tokenizer is not null && Tokenizers.Contains(c.Tokenizer), "tokenizer", $"must be one of: {string.Join(", ", Tokenizers)}");
        check(c.BpeVocab is >= 512 and <= 100_000, "bpeVocab", "must be between 512 and 100000");
        if (c.Dataset is { } dataset)
        {
            check(c.Task == TaskKinds.LanguageModeling, "dataset", "is for task lm only");
            var errors = new ValidationErrors();
            Datasets.DatasetSpecValidator.Validate(dataset, errors, "");
            foreach (var (field, messages) in errors.ToDictionary())
                foreach (var message in messages) check(false, "dataset." + field, message);
        }
        if (c.Task == TaskKinds.HiddenMarkov)
        {
            // The exact optimum costs states x 4 per token of the final evaluation; the emission table is states x vocab.
            check(c.HmmStates is >= 1 and <= 1024, "hmmStates", "must be between 1 and 1024");
            check(c.HmmVocab is >= 2 and <= 4096, "hmmVocab", "must be between 2 and 4096");
        }
        if (c.Task == TaskKinds.Mqar)
        {
            check(c.MqarVocab is >= 8 and <= 65536, "mqarVocab", "must be between 8 and 65536");
            check(c.MqarPairs >= 1 && c.MqarPairs <= c.MqarVocab / 2, "mqarPairs", $"must be between 1 and mqarVocab / 2 ({c.MqarVocab / 2}): keys are distinct");
            // Pairs take 2 tokens each; every query takes 2 more (key, then its value as the target).
            check(4 * c.MqarPairs <= c.SeqLen + 1, "mqarPairs", $"needs seqLen >= 4 x mqarPairs - 1 ({4 * c.MqarPairs - 1}): the pairs and one query per pair must fit");
        }
    }
}
