using ScaleLab.Runs;

namespace ScaleLab.Models;

/// <summary>
/// Parameter and FLOP accounting for ScaleLab's decoder-only transformer (pre-norm RMSNorm, causal multi-head
/// attention, SwiGLU MLP, learned positions, LM head tied to the token embedding). The formulas are written
/// out in docs/model-accounting.md; a test pins them to the real module's parameter count.
/// </summary>
public static class TransformerShape
{
    /// <summary>SwiGLU hidden width: 8/3 d (the same parameter count as a 4d GELU MLP), rounded up to a multiple of 8.</summary>
    public static int SwiGluHidden(int dModel) => (int)(8 * Math.Ceiling(8.0 * dModel / 3.0 / 8.0));

    /// <summary>Parameters of one block: attention (Wqkv 3d², Wo d²), SwiGLU (3·d·h) and two RMSNorm gains.</summary>
    public static long BlockParameters(int dModel)
    {
        long d = dModel, h = SwiGluHidden(dModel);
        return 4 * d * d + 3 * d * h + 2 * d;
    }

    /// <summary>Non-embedding parameters N (Kaplan et al. 2020): what scaling laws are fitted against.</summary>
    public static long NonEmbeddingParameters(RunConfig c) => c.NLayers * BlockParameters(c.DModel) + c.DModel;

    /// <summary>Token and position embeddings; the LM head is tied, so it adds nothing.</summary>
    public static long EmbeddingParameters(RunConfig c) => (long)(c.VocabSize + c.SeqLen) * c.DModel;

    public static long TotalParameters(RunConfig c) => NonEmbeddingParameters(c) + EmbeddingParameters(c);

    /// <summary>
    /// Training FLOPs per token, as in PaLM's MFU accounting (Chowdhery et al. 2022, appendix B):
    /// 6 x (parameters that take part in a matmul, the tied LM head included) + 12·L·d·T for attention scores
    /// and the weighted sum of values (forward and backward, full rather than causal-halved T).
    /// </summary>
    public static double TrainingFlopsPerToken(RunConfig c)
    {
        double d = c.DModel, h = SwiGluHidden(c.DModel), L = c.NLayers;
        double matmulParameters = L * (4 * d * d + 3 * d * h) + (double)c.VocabSize * d;
        return 6 * matmulParameters + 12 * L * d * c.SeqLen;
    }

    /// <summary>Total training compute C for the run's token budget (the tokens actually seen: whole steps).</summary>
    public static double TrainingFlops(RunConfig c) => TrainingFlopsPerToken(c) * c.Steps * c.TokensPerStep;
}
