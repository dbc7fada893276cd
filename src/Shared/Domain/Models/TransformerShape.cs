using ScaleLab.Runs;

namespace ScaleLab.Models;

/// <summary>
/// Parameter and FLOP accounting for ScaleLab's decoder-only model: pre-norm blocks of a sequence mixer
/// (<see cref="MixerAccounting"/>) and a SwiGLU MLP, RMSNorm, rotary or learned or no positions, and an LM head
/// tied to the token embedding or not. The formulas are written out in docs/model-accounting.md; a test pins them to
/// the real module's parameter count for every mixer.
/// </summary>
public static class TransformerShape
{
    /// <summary>SwiGLU hidden width: 8/3 d (the same parameter count as a 4d GELU MLP), rounded up to a multiple of 8.</summary>
    public static int SwiGluHidden(int dModel) => (int)(8 * Math.Ceiling(8.0 * dModel / 3.0 / 8.0));

    /// <summary>Parameters of one block: its mixer (and short convolution, if any), SwiGLU (3·d·h) and two RMSNorm gains.</summary>
    public static long BlockParameters(string mixer, RunConfig c)
    {
        long d = c.DModel, h = SwiGluHidden(c.DModel);
        return MixerAccounting.Parameters(mixer, c) + ShortConvParameters(c) + 3 * d * h + 2 * d;
    }

    /// <summary>The short depthwise convolution before the mixer: K taps and a bias per channel.</summary>
    public static long ShortConvParameters(RunConfig c) => Mixers.ShortConv(c) is var k and > 0 ? (long)c.DModel * (k + 1) : 0;

    /// <summary>Non-embedding parameters N (Kaplan et al. 2020): what scaling laws are fitted against.</summary>
    public static long NonEmbeddingParameters(RunConfig c) => NonEmbeddingParameters(c, Mixers.LayerCounts(c));

    /// <summary>The same, with the layers per mixer already counted (they depend on the depth, not the width).</summary>
    public static long NonEmbeddingParameters(RunConfig c, IEnumerable<(string Mixer, int Layers)> layerCounts) =>
        layerCounts.Sum(m => m.Layers * BlockParameters(m.Mixer, c)) + c.DModel;

    /// <summary>Token embedding, learned positions if any, and the LM head when it is not tied (it is a vocabulary matrix too).</summary>
    public static long EmbeddingParameters(RunConfig c) =>
        (long)c.VocabSize * c.DModel * (c.TieEmbeddings ? 1 : 2) + (c.Positions == PositionKinds.Learned ? (long)c.SeqLen * c.DModel : 0);

    public static long TotalParameters(RunConfig c) => NonEmbeddingParameters(c) + EmbeddingParameters(c);

    /// <summary>
    /// Training FLOPs per token, as in PaLM's MFU accounting (Chowdhery et al. 2022, appendix B):
    /// 6 x (parameters that take part in a matmul, the LM head included) + each mixer's sequence term.
    /// </summary>
    public static double TrainingFlopsPerToken(RunConfig c)
    {
        double d = c.DModel, h = SwiGluHidden(c.DModel);
        var layers = Mixers.PerLayer(c);
        var matmulParameters = layers.Sum(m => MixerAccounting.MatmulParameters(m, c) + 3 * d * h + d * Mixers.ShortConv(c)) + (double)c.VocabSize * d;
        return 6 * matmulParameters + layers.Sum(m => MixerAccounting.SequenceFlopsPerToken(m, c));
    }

    /// <summary>Total training compute C for the run's token budget (the tokens actually seen: whole steps).</summary>
    public static double TrainingFlops(RunConfig c) => TrainingFlopsPerToken(c) * c.StepCount * c.TokensPerStep;
}
