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

    public DecoderLM(RunConfig c) : base(nameof(DecoderLM))
    {
        tokens = nn.Embedding(c.VocabSize, c.DModel);
        if (c.Positions == ScaleLab.Models.PositionKinds.Learned) positions = nn.Embedding(c.SeqLen, c.DModel);
        if (!c.TieEmbeddings) head = nn.Linear(c.DModel, c.VocabSize, hasBias: false);
        blocks = new ModuleList<TransformerBlock>();
        foreach (var mixer in Models.Mixers.PerLayer(c)) blocks.Add(new TransformerBlock(mixer, c));
        norm = new RmsNorm(c.DModel);
        RegisterComponents();
        InitializeWeights(c.NLayers);
    }

    /// <param name="idx">(B, T) token ids.</param>
    /// <returns>(B, T, V) logits.</returns>
    public override Tensor forward(Tensor idx)
    {
        using var scope = NewDisposeScope();
        var x = tokens.forward(idx);                                              // (B, T, d)
        if (positions is not null) x = x + positions.forward(arange(idx.shape[1], dtype: int64, device: idx.device));
        foreach (var block in blocks) x = block.forward(x);
        x = norm.forward(x);
        var logits = head is null ? nn.functional.linear(x, tokens.weight!) : head.forward(x);
        return logits.MoveToOuterDisposeScope();                                  // (B, T, V)
    }

    /// <summary>
    /// N(0, 0.02) for every linear and embedding weight (as nanoGPT does); residual output projections N(0, 0.02/√(2L)) so
    /// the stream's variance does not grow with depth. Everything else keeps its module's own init: Mamba's depthwise
    /// convolution its PyTorch default (overwriting it with N(0, 0.02) shrank its taps about 15-fold), RMSNorm gains 1, biases.
    /// </summary>
    private void InitializeWeights(int layers)
    {
        using var _ = no_grad();
        foreach (var module in modules())
        {
            if (module is Linear linear) nn.init.normal_(linear.weight!, 0, 0.02);
            else if (module is Embedding embedding) nn.init.normal_(embedding.weight!, 0, 0.02);
        }
        foreach (var block in blocks)
            foreach (var proj in block.ResidualProjections)
                nn.init.normal_(proj.weight!, 0, 0.02 / Math.Sqrt(2 * layers));
    }
}
