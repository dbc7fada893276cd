using ScaleLab.Runs;

namespace ScaleLab.Models;

/// <summary>The sequence mixers a block can use, by the names a run config gives them.</summary>
public static class Mixers
{
    public const string Softmax = "softmax";
    public const string SlidingWindow = "sliding-window";
    public const string Linear = "linear";
    public const string Gla = "gla";
    public const string Mamba = "mamba";
    public const string Hybrid = "hybrid";
    public const string Based = "based";

    /// <summary>Mixers a single layer can have.</summary>
    public static readonly IReadOnlyList<string> Layer = [Softmax, SlidingWindow, Linear, Gla, Mamba];

    /// <summary>Values of the run config's mixer field.</summary>
    public static readonly IReadOnlyList<string> All = [.. Layer, Hybrid, Based];

    /// <summary>
    /// Based (Arora et al. 2024) as Zoology builds it: Taylor-map linear attention and sliding-window attention in
    /// turn, each after a short convolution (<see cref="BasedShortConv"/> taps unless the config sets its own).
    /// </summary>
    public static readonly IReadOnlyList<string> BasedPattern = [Linear, SlidingWindow];

    public const int BasedShortConv = 3;

    /// <summary>The cycle of layer mixers a config's layers follow.</summary>
    public static IReadOnlyList<string> Pattern(RunConfig c) => c.Mixer switch
    {
        Hybrid => (c.HybridPattern ?? "").Split(',', StringSplitOptions.TrimEntries),
        Based => BasedPattern,
        _ => [c.Mixer],
    };

    /// <summary>Taps of the short causal convolution before every layer's mixer (0: none).</summary>
    public static int ShortConv(RunConfig c) => c.ShortConv > 0 ? c.ShortConv : c.Mixer == Based ? BasedShortConv : 0;

    /// <summary>The mixer of each layer, first to last.</summary>
    public static IReadOnlyList<string> PerLayer(RunConfig c)
    {
        var pattern = Pattern(c);
        return Enumerable.Range(0, c.NLayers).Select(i => pattern[i % pattern.Count]).ToList();
    }

    /// <summary>Whether the accounting can count this config's layers: a known mixer, and for "hybrid" 1-256 known ones.</summary>
    public static bool AreKnown(RunConfig c)
    {
        if (c.Mixer is null || !All.Contains(c.Mixer)) return false;
        var pattern = Pattern(c);
        return pattern.Count <= 256 && pattern.All(Layer.Contains);
    }

    /// <summary>How many layers have each mixer: the accounting sums per mixer, so its cost does not grow with depth.</summary>
    public static IEnumerable<(string Mixer, int Layers)> LayerCounts(RunConfig c)
    {
        var pattern = Pattern(c);
        if (pattern.Count == 1) return [(pattern[0], c.NLayers)];
        return pattern.Select((mixer, i) => (mixer, Layers: c.NLayers / pattern.Count + (i < c.NLayers % pattern.Count ? 1 : 0)))
            .Where(x => x.Layers > 0).GroupBy(x => x.mixer).Select(g => (g.Key, g.Sum(x => x.Layers)));
    }

    /// <summary>Linear attention's feature size per head after the map: f for elu+1 and relu, 1 + f + f² for the Taylor map.</summary>
    public static int FeatureSize(RunConfig c) => c.FeatureMap == "taylor" ? 1 + c.FeatureDim + c.FeatureDim * c.FeatureDim : c.FeatureDim;

    /// <summary>Rank of GLA's low-rank gate projection (Yang et al. 2023 use 16).</summary>
    public const int GlaGateRank = 16;

    /// <summary>Mamba's inner width is this many times d_model.</summary>
    public const int MambaExpand = 2;

    /// <summary>Mamba's depthwise causal convolution width.</summary>
    public const int MambaConvKernel = 4;
}
