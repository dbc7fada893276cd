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
    public const int MaxLayers = 64;

    /// <remarks>The template's mixers must be known (<see cref="Mixers.AreKnown"/>): the expander checks before sizing.</remarks>
    public static RunConfig ForParameters(RunConfig template, double targetParameters, int aspectRatio = 64, int headDim = 32,
        Scaling.ParameterCount count = Scaling.ParameterCount.NonEmbedding)
    {
        RunConfig? best = null;
        var bestScore = double.PositiveInfinity;
        for (var layers = 1; layers <= MaxLayers; layers++)
        {
            var (lowest, highest) = HeadRange(layers, aspectRatio, headDim);
            RunConfig Shape(int heads) => template with { DModel = heads * headDim, NLayers = layers, NHeads = heads };
            var layerCounts = Mixers.LayerCounts(Shape(lowest)).ToList();
            // N grows with the width, and by at least as much as the width does (N is a sum of d and d² terms), so
            // the size miss falls until the target is crossed and rises after it, a hundred times faster than the
            // shape term can change: the best width of this depth is one of the two around the crossing. Finding
            // them by bisection makes sizing ~15 evaluations per depth instead of up to thousands (aspectRatio 1024
            // with headDim 8 spans 64 to 16,384 heads).
            long Count(RunConfig c) => TransformerShape.NonEmbeddingParameters(c, layerCounts)
                + (count == Scaling.ParameterCount.Total ? TransformerShape.EmbeddingParameters(c) : 0);
            var above = FirstAtLeast(lowest, highest, heads => Count(Shape(heads)) >= targetParameters);
            for (var heads = Math.Max(lowest, above - 1); heads <= Math.Min(highest, above); heads++)
            {
                var candidate = Shape(heads);
                var score = Score(Count(candidate), candidate, targetParameters, aspectRatio);
                if (score < bestScore) (best, bestScore) = (candidate, score);
            }
        }
        return best!;
    }

    /// <summary>Widths within a factor of two of aspectRatio x depth, in whole heads.</summary>
    internal static (int Lowest, int Highest) HeadRange(int layers, int aspectRatio, int headDim)
    {
        var lowest = Math.Max(1, (int)Math.Ceiling(aspectRatio * layers / 2.0 / headDim));
        return (lowest, Math.Max(lowest, (int)Math.Floor(aspectRatio * layers * 2.0 / headDim)));
    }

    /// <summary>Size first; the distance from the aspect ratio breaks near ties.</summary>
    internal static double Score(long parameters, RunConfig candidate, double targetParameters, int aspectRatio)
    {
        var sizeMiss = Math.Abs(Math.Log(parameters / targetParameters));
        var shapeMiss = Math.Abs(Math.Log((double)candidate.DModel / (aspectRatio * candidate.NLayers)));
        return sizeMiss + 0.01 * shapeMiss;
    }

    /// <summary>The smallest value in [low, high] where a monotone predicate holds, or high + 1 where it never does.</summary>
    private static int FirstAtLeast(int low, int high, Func<int, bool> holds)
    {
        var (lo, hi) = (low, high + 1);
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (holds(mid)) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>
    /// The prior guess of the compute-optimal size at budget C: about 20 training tokens per parameter
    /// (Hoffmann et al. 2022), so C ≈ 6·N·20·N and N ≈ √(C/120). The grid is centred here; the fit finds the real optimum.
    /// </summary>
    public static double PriorOptimalParameters(double compute) => Math.Sqrt(compute / 120);

    /// <summary>The token budget that spends <paramref name="compute"/> FLOPs (as the study counts them) on this config, in whole optimizer steps.</summary>
    public static long TokensForCompute(RunConfig c, double compute, Scaling.FlopAccounting? accounting = null)
    {
        var steps = Math.Max(1, Math.Round(compute / StudyAccounting.FlopsPerToken(c, accounting ?? Scaling.FlopAccounting.Default) / c.TokensPerStep));
        return (long)steps * c.TokensPerStep;
    }
}
