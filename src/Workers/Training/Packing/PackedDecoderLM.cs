using ScaleLab.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>
/// K <see cref="DecoderLM"/>s of one config fused horizontally into one model (HFTA, Wang et al. 2021): every
/// parameter of DecoderLM is here stacked along a leading dimension K, so each matmul is one batched GEMM over the K
/// models and one CUDA graph replays all of them. The models never interact: model k's logits are what DecoderLM k
/// computes alone, and a loss that sums the models' losses gives each slice exactly its own gradient.
/// Softmax attention only, no short convolution (see <see cref="Packability"/>).
/// </summary>
public sealed class PackedDecoderLM : nn.Module<Tensor, Tensor>
{
    // Declared in DecoderLM's order, so the stacked parameters list as one model's do.
    private readonly Parameter tokens;                 // (K, V, d)
    private readonly Parameter? positions;             // (K, T, d), learned positions only
    private readonly Parameter? head;                  // (K, V, d), untied head only
    private readonly ModuleList<PackedBlock> blocks;
    private readonly StackedRmsNorm norm;

    /// <summary>K models of <paramref name="config"/>'s shape with zero weights: fill them with <see cref="CopyFrom"/>.</summary>
    public PackedDecoderLM(RunConfig config, int models) : base(nameof(PackedDecoderLM))
    {
        if (Packability.WhyNot([config]) is { } why) throw new ArgumentException(why, nameof(config));
        var (k, v, d) = (models, config.VocabSize, config.DModel);
        Models = models;
        tokens = new Parameter(zeros(k, v, d));
        if (config.Positions == ScaleLab.Models.PositionKinds.Learned) positions = new Parameter(zeros(k, config.SeqLen, d));
        if (!config.TieEmbeddings) head = new Parameter(zeros(k, v, d));
        blocks = new ModuleList<PackedBlock>();
        for (var i = 0; i < config.NLayers; i++) blocks.Add(new PackedBlock(config, models));
        norm = new StackedRmsNorm(k, d);
        RegisterComponents();
    }

    /// <summary>
    /// Each stacked parameter by the name of the <see cref="DecoderLM"/> parameter it stacks ("blocks.0.mixer.qkv.weight").
    /// </summary>
    /// <remarks>
    /// Built on each call: moving the module to another device or precision replaces its parameters.
    /// </remarks>
    public IReadOnlyDictionary<string, Parameter> Stacked
    {
        get
        {
            var sources = new Dictionary<string, Parameter> { ["tokens.weight"] = tokens };
            if (positions is not null) sources["positions.weight"] = positions;
            if (head is not null) sources["head.weight"] = head;
            foreach (var (name, p) in blocks.SelectMany((block, i) => block.Sources($"blocks.{i}"))) sources[name] = p;
            sources["norm.weight"] = norm.Weight;
            return sources;
        }
    }

    /// <summary>K, the models packed.</summary>
    public int Models { get; }

    /// <summary>
    /// Packs the runs' models, each initialised as its run alone initialises it (<see cref="ModelInitialisation"/>
    /// with its seed), so packed initial weights are the lone runs' bit for bit.
    /// </summary>
    public static PackedDecoderLM Initialise(IReadOnlyList<RunConfig> configs)
    {
        if (Packability.WhyNot(configs) is { } why) throw new ArgumentException(why, nameof(configs));
        var packed = new PackedDecoderLM(configs[0], configs.Count);
        for (var k = 0; k < configs.Count; k++)
        {
            using var alone = ModelInitialisation.Build(configs[k], configs[k].Seed);
            packed.CopyFrom(k, alone);
        }
        return packed;
    }

    /// <param name="idx">(K, B, T) token ids, model k's batch at k.</param>
    /// <returns>(K, B, T, V) logits.</returns>
    public override Tensor forward(Tensor idx)
    {
        using var scope = NewDisposeScope();
        var x = StackedOps.Embedding(tokens, idx);                                        // (K, B, T, d)
        if (positions is not null) x = x + positions.narrow(1, 0, idx.shape[2]).unsqueeze(1);   // + (K, 1, T, d)
        foreach (var block in blocks) x = block.forward(x);
        x = norm.forward(x);
        return StackedOps.Linear(x, head ?? tokens).MoveToOuterDisposeScope();           // (K, B, T, V)
    }

    /// <summary>Model k's weights into an ordinary DecoderLM of the same config (any device or precision): for evaluation and checkpoints.</summary>
    public void CopyInto(int k, DecoderLM target)
    {
        using var _ = no_grad();
        var stacked = Stacked;
        foreach (var (name, p) in Matching(target, stacked)) p.copy_(stacked[name][k]);
    }

    /// <summary>An ordinary DecoderLM's weights become model k's.</summary>
    public void CopyFrom(int k, DecoderLM source)
    {
        using var _ = no_grad();
        var stacked = Stacked;
        foreach (var (name, p) in Matching(source, stacked)) stacked[name][k].copy_(p);
    }

    private static IEnumerable<(string Name, Parameter P)> Matching(DecoderLM model, IReadOnlyDictionary<string, Parameter> stacked)
    {
        var named = model.named_parameters().ToList();
        var unknown = named.Select(n => n.name).Where(n => !stacked.ContainsKey(n)).ToList();
        if (unknown.Count > 0 || named.Count != stacked.Count)
            throw new ArgumentException($"not a model of this packed shape: {(unknown.Count > 0 ? $"it has {string.Join(", ", unknown)}" : $"{named.Count} parameters, not {stacked.Count}")}");
        return named.Select(n => (n.name, n.parameter));
    }
}
