using System.Text.Json.Serialization;

namespace ScaleLab.Runs;

/// <summary>
/// Everything that determines one training run. A sweep's axes override these fields by their JSON names,
/// so a field's JSON name is part of the public spec format.
/// </summary>
public sealed record RunConfig
{
    /// <summary>
    /// Training task. "lm": next-token prediction on the default English corpus (see <see cref="Tokenizer"/>) or a
    /// <see cref="Dataset"/>;
    /// "mqar": multi-query associative recall (Arora et al. 2023, Zoology), generated from the seed; "hmm": text from a
    /// hidden Markov model (<see cref="HmmStates"/>), whose best possible loss is computed exactly beside the run's.
    /// </summary>
    public string Task { get; init; } = "lm";

    /// <summary>Residual stream width d_model.</summary>
    public int DModel { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    public int NLayers { get; init; } = 2;

    /// <summary>Attention heads; must divide d_model.</summary>
    public int NHeads { get; init; } = 4;

    /// <summary>Context length T in tokens.</summary>
    public int SeqLen { get; init; } = 64;

    /// <summary>Sequences per optimizer step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Training token budget D; steps = ceil(D / (batch x seqLen)).</summary>
    public long Tokens { get; init; } = 100_000;

    /// <summary>Peak AdamW learning rate, reached after warmup; then <see cref="Schedule"/> decays it (cosine to 10% of it, or WSD's linear decay).</summary>
    public double LearningRate { get; init; } = 3e-3;

    public int WarmupSteps { get; init; } = 20;

    /// <summary>AdamW decoupled weight decay, applied to 2-D weights only.</summary>
    public double WeightDecay { get; init; } = 0.1;

    public int Seed { get; init; } = 1;

    /// <summary>Evaluate validation loss every this many steps (and always at the last step).</summary>
    public int EvalInterval { get; init; } = 50;

    /// <summary>Validation batches per evaluation (fixed positions, so evaluations are comparable).</summary>
    public int EvalBatches { get; init; } = 4;

    /// <summary>
    /// Tokens of the final evaluation, the validation loss fits use: for task "lm" the held-out split is read from its
    /// start up to this many tokens (or whole, where smaller), with the loss's standard error and bits per byte; for
    /// "hmm" this many fresh tokens, scored also by the true model (optimal_loss).
    /// 0: the final evaluation is a periodic one (<see cref="EvalBatches"/>).
    /// </summary>
    public long FinalEvalTokens { get; init; } = 1 << 20;

    /// <summary>Record training metrics every this many steps.</summary>
    public int LogInterval { get; init; } = 10;

    /// <summary>
    /// Save a resumable checkpoint every this many steps (0: only the final one). Must be a multiple of
    /// logInterval, so a checkpoint never falls inside a logging window.
    /// </summary>
    public int CheckpointInterval { get; init; } = 100;

    /// <summary>
    /// Sequence mixer of every block: "softmax" (causal attention), "sliding-window" (local attention over
    /// <see cref="Window"/> tokens), "linear" (linear attention, see <see cref="FeatureMap"/>), "gla" (gated linear
    /// attention), "mamba" (selective state space), "hybrid" (layers follow <see cref="HybridPattern"/>), or "based"
    /// (Taylor linear attention and sliding-window attention in turn, each after a short convolution).
    /// </summary>
    public string Mixer { get; init; } = Models.Mixers.Softmax;

    /// <summary>For mixer "hybrid": comma-separated mixers cycled over the layers; the default makes every 4th layer softmax.</summary>
    public string HybridPattern { get; init; } = "gla,gla,gla,softmax";

    /// <summary>Tokens a sliding-window attention query sees, itself included.</summary>
    public int Window { get; init; } = 64;

    /// <summary>Linear attention's feature map: "elu+1", "relu", or "taylor" (2nd-order Taylor of exp, as in Based).</summary>
    public string FeatureMap { get; init; } = "taylor";

    /// <summary>Linear attention's query/key width per head before the feature map (Based uses 16).</summary>
    public int FeatureDim { get; init; } = 16;

    /// <summary>Mamba's state size N per channel: 64 as in Mamba-2 (Dao and Gu 2024 use 64 to 128; 16 is Mamba-1's).</summary>
    public int StateSize { get; init; } = 64;

    /// <summary>Position information: "rope" (rotary, inside attention mixers), "learned" (absolute embeddings), or "none".</summary>
    public string Positions { get; init; } = Models.PositionKinds.Rope;

    /// <summary>Share the token embedding with the LM head.</summary>
    public bool TieEmbeddings { get; init; } = true;

    /// <summary>
    /// "standard" (every weight N(0, 0.02), one learning rate, attention q·k/√d_head) or "mup": the maximal update
    /// parametrization (Yang et al. 2022) relative to a base model of width <see cref="MupBaseWidth"/>, under which the
    /// best learning rate found at the base width holds at every width. With m = dModel / mupBaseWidth: hidden weights
    /// (every matrix whose input grows with width) start at N(0, 0.02²/m) and take AdamW's rate / m (and weight decay
    /// x m, so their decay per step stays); embeddings, norms, biases and convolution taps keep the rate and their
    /// init; logits are multiplied by 1/m; softmax attention scores q·k/d_head.
    /// </summary>
    public string Parametrization { get; init; } = Runs.Parametrizations.Standard;

    /// <summary>For parametrization "mup": the width d_model at which the learning rate (and the rest) was tuned; at that width μP initialises and trains as the standard parametrization does, attention's 1/d_head aside.</summary>
    public int MupBaseWidth { get; init; } = 64;

    /// <summary>"cosine" (warmup, cosine decay to 10% of peak) or "wsd" (warmup, stable at peak, decay to 0 over the last <see cref="DecayFraction"/>, shaped by <see cref="CooldownShape"/>).</summary>
    public string Schedule { get; init; } = "cosine";

    /// <summary>Fraction of the steps a "wsd" schedule spends decaying.</summary>
    public double DecayFraction { get; init; } = 0.2;

    /// <summary>
    /// The shape of a "wsd" schedule's decay: "linear", or "1-sqrt" (peak · (1 − √progress)), which Hägele et al. (2024)
    /// found to match or beat cosine at every length they tried.
    /// </summary>
    public string CooldownShape { get; init; } = CooldownShapes.Linear;

    /// <summary>
    /// Start from another run's checkpoint at a step of its stable phase instead of from scratch: a ladder study's cooldown
    /// branch (<see cref="Sweeps.LadderDesign"/>). Set by the expander, never by hand; absent from a config that has none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BranchPoint? InitFrom { get; init; }

    /// <summary>Gradient accumulation: each step's batch runs as this many micro-batches (must divide batchSize).</summary>
    public int MicroBatches { get; init; } = 1;

    /// <summary>"auto" (bf16 on CUDA, fp32 on CPU), "fp32", "tf32" (CUDA matmuls in TF32) or "bf16" (bf16 compute, fp32 master weights and optimizer state).</summary>
    public string Precision { get; init; } = "auto";

    /// <summary>For task "lm" on the default corpus: "bytes" (vocabulary 256) or "bpe" (cl100k BPE, kept to the <see cref="BpeVocab"/> most frequent tokens of the corpus).</summary>
    public string Tokenizer { get; init; } = "bytes";

    public int BpeVocab { get; init; } = 8192;

    /// <summary>For task "mqar": vocabulary size (keys from the lower half, values from the upper half).</summary>
    public int MqarVocab { get; init; } = 256;

    /// <summary>For task "mqar": key-value pairs per sequence, each queried once.</summary>
    public int MqarPairs { get; init; } = 8;

    /// <summary>
    /// Taps of a short causal depthwise convolution before every layer's mixer (as Zoology uses; 0: none). Mixer "based"
    /// uses 3 unless this is set.
    /// </summary>
    public int ShortConv { get; init; }

    /// <summary>
    /// For task "lm": the data set to train on (files on the worker, tokenized once per content and tokenizer); null:
    /// the default corpus with <see cref="Tokenizer"/>.
    /// </summary>
    public Datasets.DatasetSpec? Dataset { get; init; }

    /// <summary>For task "hmm": hidden states of the model that writes the text (more states: a harder language).</summary>
    public int HmmStates { get; init; } = 128;

    /// <summary>For task "hmm": its vocabulary.</summary>
    public int HmmVocab { get; init; } = 256;

    /// <summary>
    /// For task "hmm": which language, independent of <see cref="Seed"/> (which draws the text), so every run of a
    /// study learns the same one.
    /// </summary>
    public int HmmSeed { get; init; }

    /// <summary>GLA's heads, independent of <see cref="NHeads"/>: 4, as Yang et al. (2023) and flash-linear-attention use.</summary>
    public int GlaHeads { get; init; } = 4;

    /// <summary>GLA's query/key width as a fraction of d_model (flash-linear-attention's expand_k): 0.5, the paper's d_k = d/2; values keep d.</summary>
    public double GlaKeyRatio { get; init; } = 0.5;

    /// <summary>GLA's query/key width d_k.</summary>
    [JsonIgnore] public int GlaKeyDim => (int)Math.Round(DModel * GlaKeyRatio);

    [JsonIgnore]
    public int VocabSize => Task switch
    {
        "mqar" => MqarVocab,
        "hmm" => HmmVocab,
        _ when Dataset is { } d => Datasets.DatasetTokenizers.IsKnown(d.Tokenizer) ? Datasets.DatasetTokenizers.VocabSize(d.Tokenizer) : 256,
        _ => Tokenizer == "bpe" ? BpeVocab : 256,
    };

    [JsonIgnore] public long TokensPerStep => (long)BatchSize * SeqLen;

    /// <summary>Whole optimizer steps that cover <see cref="Tokens"/>; the validator keeps it within <see cref="RunConfigValidator.MaxSteps"/>.</summary>
    [JsonIgnore] public long StepCount => TokensPerStep < 1 ? 0 : (Tokens + TokensPerStep - 1) / TokensPerStep;

    [JsonIgnore] public int Steps => (int)Math.Min(int.MaxValue, StepCount);
}
