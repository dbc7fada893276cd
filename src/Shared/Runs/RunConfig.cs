using System.Text.Json.Serialization;

namespace ScaleLab.Runs;

/// <summary>
/// Everything that determines one training run. A sweep's axes override these fields by their JSON names,
/// so a field's JSON name is part of the public spec format.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Runs.RunConfig")]
public sealed record RunConfig
{
    /// <summary>Training task. "lm": next-byte prediction on the GCIDE English dictionary text.</summary>
    [Id(0)] public string Task { get; init; } = "lm";

    /// <summary>Residual stream width d_model.</summary>
    [Id(1)] public int DModel { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    [Id(2)] public int NLayers { get; init; } = 2;

    /// <summary>Attention heads; must divide d_model.</summary>
    [Id(3)] public int NHeads { get; init; } = 4;

    /// <summary>Context length T in tokens.</summary>
    [Id(4)] public int SeqLen { get; init; } = 64;

    /// <summary>Sequences per optimizer step.</summary>
    [Id(5)] public int BatchSize { get; init; } = 16;

    /// <summary>Training token budget D; steps = ceil(D / (batch x seqLen)).</summary>
    [Id(6)] public long Tokens { get; init; } = 100_000;

    /// <summary>Peak AdamW learning rate, reached after warmup, then cosine decay to 10% of it.</summary>
    [Id(7)] public double LearningRate { get; init; } = 3e-3;

    [Id(8)] public int WarmupSteps { get; init; } = 20;

    /// <summary>AdamW decoupled weight decay, applied to 2-D weights only.</summary>
    [Id(9)] public double WeightDecay { get; init; } = 0.1;

    [Id(10)] public int Seed { get; init; } = 1;

    /// <summary>Evaluate validation loss every this many steps (and always at the last step).</summary>
    [Id(11)] public int EvalInterval { get; init; } = 50;

    /// <summary>Validation batches per evaluation (fixed positions, so evaluations are comparable).</summary>
    [Id(12)] public int EvalBatches { get; init; } = 4;

    /// <summary>Record training metrics every this many steps.</summary>
    [Id(13)] public int LogInterval { get; init; } = 10;

    /// <summary>
    /// Save a resumable checkpoint every this many steps (0: only the final one). Must be a multiple of
    /// logInterval, so a checkpoint never falls inside a logging window.
    /// </summary>
    [Id(14)] public int CheckpointInterval { get; init; } = 100;

    /// <summary>Byte-level vocabulary.</summary>
    [JsonIgnore] public int VocabSize => 256;

    [JsonIgnore] public long TokensPerStep => (long)BatchSize * SeqLen;

    [JsonIgnore] public int Steps => (int)((Tokens + TokensPerStep - 1) / TokensPerStep);
}
