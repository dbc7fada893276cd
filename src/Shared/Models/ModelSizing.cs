using ScaleLab.Runs;

namespace ScaleLab.Models;

/// <summary>
/// Picks a model shape for a target non-embedding parameter count: width near <c>aspectRatio</c> x depth (within a
/// factor of two either way; Kaplan et al. found loss flat across a wide band of shapes) and heads of
/// <c>headDim</c> channels. Among those shapes it takes the one whose exact count is closest to the target in log
/// space, and on a near tie the one closest to the aspect ratio.
/// </summary>
public static class ModelSizing
{
    public static RunConfig ForParameters(RunConfig template, double targetParameters, int aspectRatio = 64, int headDim = 32)
    {
        RunConfig? best = null;
        var bestScore = double.PositiveInfinity;
        for (var layers = 1; layers <= 64; layers++)
        {
            var lowest = Math.Max(1, (int)Math.Ceiling(aspectRatio * layers / 2.0 / headDim));
            var highest = Math.Max(lowest, (int)Math.Floor(aspectRatio * layers * 2.0 / headDim));
            for (var heads = lowest; heads <= highest; heads++)
            {
                var candidate = template with { DModel = heads * headDim, NLayers = layers, NHeads = heads };
                var sizeMiss = Math.Abs(Math.Log(TransformerShape.NonEmbeddingParameters(candidate) / targetParameters));
                var shapeMiss = Math.Abs(Math.Log((double)candidate.DModel / (aspectRatio * layers)));
                var score = sizeMiss + 0.01 * shapeMiss; // size first; shape breaks near ties
                if (score < bestScore) (best, bestScore) = (candidate, score);
            }
        }
        return best!;
    }

    /// <summary>
    /// The prior guess of the compute-optimal size at budget C: about 20 training tokens per parameter
    /// (Hoffmann et al. 2022), so C ≈ 6·N·20·N and N ≈ √(C/120). The grid is centred here; the fit finds the real optimum.
    /// </summary>
    public static double PriorOptimalParameters(double compute) => Math.Sqrt(compute / 120);

    /// <summary>The token budget that spends <paramref name="compute"/> FLOPs on this config, in whole optimizer steps.</summary>
    public static long TokensForCompute(RunConfig c, double compute)
    {
        var steps = Math.Max(1, Math.Round(compute / TransformerShape.TrainingFlopsPerToken(c) / c.TokensPerStep));
        return (long)steps * c.TokensPerStep;
    }
}
