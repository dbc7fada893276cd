using ScaleLab.Models;
using ScaleLab.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Decoder-only transformer language model: token + learned position embeddings, pre-norm blocks, final
/// RMSNorm, and an LM head tied to the token embedding. Its parameter count is <see cref="TransformerShape"/>'s.
/// </summary>
public sealed class DecoderLM : nn.Module<Tensor, Tensor>
{
    private readonly Embedding tokens, positions;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly RmsNorm norm;

    public DecoderLM(RunConfig c) : base(nameof(DecoderLM))
    {
        tokens = nn.Embedding(c.VocabSize, c.DModel);
        positions = nn.Embedding(c.SeqLen, c.DModel);
        blocks = new ModuleList<TransformerBlock>();
        for (var i = 0; i < c.NLayers; i++) blocks.Add(new TransformerBlock(c.DModel, c.NHeads, TransformerShape.SwiGluHidden(c.DModel)));
        norm = new RmsNorm(c.DModel);
        RegisterComponents();
        InitializeWeights(c.NLayers);
    }

    /// <param name="idx">(B, T) token ids.</param>
    /// <returns>(B, T, V) logits.</returns>
    public override Tensor forward(Tensor idx)
    {
        using var scope = NewDisposeScope();
        var t = idx.shape[1];
        var pos = arange(t, dtype: int64, device: idx.device);                    // (T)
        var x = tokens.forward(idx) + positions.forward(pos);                     // (B, T, d)
        foreach (var block in blocks) x = block.forward(x);
        x = norm.forward(x);
        return nn.functional.linear(x, tokens.weight!).MoveToOuterDisposeScope(); // (B, T, V)
    }

    /// <summary>N(0, 0.02) everywhere; residual output projections N(0, 0.02/√(2L)) so the stream's variance does not grow with depth.</summary>
    private void InitializeWeights(int layers)
    {
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (p.dim() < 2) continue; // RMSNorm gains stay 1
            nn.init.normal_(p, 0, 0.02);
        }
        foreach (var block in blocks)
        foreach (var proj in block.ResidualProjections)
            nn.init.normal_(proj.weight!, 0, 0.02 / Math.Sqrt(2 * layers));
    }
}
