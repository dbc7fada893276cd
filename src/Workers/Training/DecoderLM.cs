using ScaleLab.Models;
using ScaleLab.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Decoder-only language model: token embedding (plus learned positions when configured; rotary positions live in
/// the attention mixers), pre-norm blocks each with its own sequence mixer, final RMSNorm, and an LM head tied to
/// the token embedding unless configured otherwise. Its parameter count is <see cref="TransformerShape"/>'s.
/// </summary>
public sealed class DecoderLM : nn.Module<Tensor, Tensor>
{
    private readonly Embedding tokens;
    private readonly Embedding? positions;
    private readonly Linear? head;
    private readonly ModuleList<TransformerBlock> blocks;

    public IEnumerable<TransformerBlock> Blocks => blocks;
    private readonly RmsNorm norm;

    /// <summary>μP's multipliers and scales (<see cref="MaximalUpdate"/>); null under the standard parametrization.</summary>
    private readonly MaximalUpdate? _mup;

    /// <summary>The projections whose weights are μP's hidden weights (see <see cref="HiddenWeights"/>).</summary>
    private readonly HashSet<Linear> _hidden;

    public DecoderLM(RunConfig c) : base(nameof(DecoderLM))
    {
        tokens = nn.Embedding(c.VocabSize, c.DModel);
        if (c.Positions == ScaleLab.Models.PositionKinds.Learned) positions = nn.Embedding(c.SeqLen, c.DModel);
        if (!c.TieEmbeddings) head = nn.Linear(c.DModel, c.VocabSize, hasBias: false);
        blocks = new ModuleList<TransformerBlock>();
        foreach (var mixer in Models.Mixers.PerLayer(c)) blocks.Add(new TransformerBlock(mixer, c));
        norm = new RmsNorm(c.DModel);
        RegisterComponents();
        _mup = MaximalUpdate.Of(c);
        var fixedInputs = modules().OfType<Mixers.IFixedInputProjections>().SelectMany(m => m.FixedInputProjections).ToHashSet();
        _hidden = [.. modules().OfType<Linear>().Where(l => l != head && !fixedInputs.Contains(l))];
        HiddenWeights = named_modules().Where(m => m.module is Linear l && _hidden.Contains(l)).Select(m => m.name + ".weight").ToHashSet();
        InitializeWeights(c.NLayers);
    }

    /// <summary>
    /// By parameter name, the weights whose input grows with d_model: every projection's but the untied LM head's and
    /// those from a fixed width. μP scales their initialisation and learning rate with width (<see cref="MaximalUpdate"/>).
    /// </summary>
    public IReadOnlySet<string> HiddenWeights { get; }

    /// <summary>The optimizer's parameter groups: the standard two, or μP's three.</summary>
    public IReadOnlyList<OptimizerGroup> OptimizerGroups => _mup?.Groups(HiddenWeights) ?? OptimizerGroup.Standard();

    /// <param name="idx">(B, T) token ids.</param>
    /// <returns>(B, T, V) logits.</returns>
    public override Tensor forward(Tensor idx) => Forward(idx, observe: null);

    /// <summary>
    /// The forward pass, handing the output of each stage to <paramref name="observe"/> as it is made: "tokens" (the
    /// embedding), "blocks.i" (the residual stream after block i), "logits". What the coordinate check measures.
    /// </summary>
    public Tensor Forward(Tensor idx, Action<string, Tensor>? observe)
    {
        using var scope = NewDisposeScope();
        var x = tokens.forward(idx);                                              // (B, T, d)
        observe?.Invoke("tokens", x);
        if (positions is not null) x = x + positions.forward(arange(idx.shape[1], dtype: int64, device: idx.device));
        var i = 0;
        foreach (var block in blocks)
        {
            x = block.forward(x);
            observe?.Invoke($"blocks.{i++}", x);
        }
        x = norm.forward(x);
        // μP's output multiplier 1/m, applied to the head's (B, T, d) input: the same logits as scaling them, for d/V of the work.
        if (_mup is not null) x = x * _mup.OutputMultiplier;
        var logits = head is null ? nn.functional.linear(x, tokens.weight!) : head.forward(x);
        observe?.Invoke("logits", logits);
        return logits.MoveToOuterDisposeScope();                                  // (B, T, V)
    }

    /// <summary>
    /// N(0, 0.02) for every linear and embedding weight (as nanoGPT does); residual output projections N(0, 0.02/√(2L)) so
    /// the stream's variance does not grow with depth. Under μP hidden weights draw σ/√m instead of σ (variance ∝
    /// 1/fan_in); the same random numbers are drawn in the same order, so at m = 1 the weights are the standard ones.
    /// Everything else keeps its module's own init: Mamba's depthwise convolution its PyTorch default (overwriting it
    /// with N(0, 0.02) shrank its taps about 15-fold), RMSNorm gains 1, biases.
    /// </summary>
    private void InitializeWeights(int layers)
    {
        using var _ = no_grad();
        double Scale(Linear linear) => _mup is not null && _hidden.Contains(linear) ? _mup.HiddenInitScale : 1;
        foreach (var module in modules())
        {
            if (module is Linear linear) nn.init.normal_(linear.weight!, 0, 0.02 * Scale(linear));
            else if (module is Embedding embedding) nn.init.normal_(embedding.weight!, 0, 0.02);
        }
        foreach (var block in blocks)
            foreach (var proj in block.ResidualProjections)
                nn.init.normal_(proj.weight!, 0, 0.02 / Math.Sqrt(2 * layers) * Scale(proj));
    }
}
