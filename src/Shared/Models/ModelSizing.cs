using ScaleLab.Runs;

namespace ScaleLab.Models;

/// <summary>
/// Picks a model shape for a target non-embedding parameter count: width grows with depth at a fixed aspect
/// ratio (d_model ≈ aspectRatio · n_layers, Kaplan et al. found loss flat across a wide band of shapes) and
/// heads of <c>headDim</c> channels. Of the depths 1..64 it takes the one whose exact count is closest to the target
/// in log space.
/// </summary>
public static class ModelSizing
{
    public static RunConfig ForParameters(RunConfig template, double targetParameters, int aspectRatio = 64, int headDim = 32)
    {
        RunConfig? best = null;
        var bestDistance = double.PositiveInfinity;
        for (var layers = 1; layers <= 64; layers++)
        {
            var width = Math.Max(headDim, (int)Math.Round((double)aspectRatio * layers / headDim) * headDim);
            var candidate = template with { DModel = width, NLayers = layers, NHeads = width / headDim };
            var distance = Math.Abs(Math.Log(TransformerShape.NonEmbeddingParameters(candidate) / targetParameters));
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
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
