using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScaleLab.Runs;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>Which runs can train packed as one <see cref="PackedDecoderLM"/>.</summary>
public static class Packability
{
    /// <summary>The spec fields a packed run may set on its own: the seed (its weights and its data).</summary>
    private static readonly string[] OwnFields = [nameof(RunConfig.Seed)];

    private static readonly PropertyInfo[] SharedFields = [.. typeof(RunConfig).GetProperties()
        .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && !OwnFields.Contains(p.Name))];

    /// <returns>
    /// Null where the runs can be packed, else why not. They must be identical but for their seed: the same shape, and
    /// the same steps, learning-rate schedule and everything else, since they step in lockstep with one optimizer. The
    /// packed model has softmax attention in every layer, no short convolution, and the standard parametrization.
    /// </returns>
    public static string? WhyNot(IReadOnlyList<RunConfig> configs)
    {
        if (configs.Count == 0) return "there are no runs to pack";
        var first = configs[0];
        for (var i = 1; i < configs.Count; i++)
        {
            var differing = SharedFields.Where(p => !Equals(p.GetValue(configs[i]), p.GetValue(first)))
                .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToList();
            if (differing.Count > 0)
                return $"run {i} differs from run 0 in {string.Join(", ", differing)}: packed runs share every setting but the seed, as they train in lockstep";
        }
        var layers = Models.Mixers.PerLayer(first);
        for (var layer = 0; layer < layers.Count; layer++)
            if (layers[layer] != Models.Mixers.Softmax)
                return $"layer {layer}'s mixer is {layers[layer]}: only softmax attention is packed";
        if (Models.Mixers.ShortConv(first) > 0) return "the short convolution before the mixer is not packed";
        if (first.Parametrization != Parametrizations.Standard) return $"parametrization {first.Parametrization} is not packed: the packed model has the standard one's multipliers";
        return null;
    }
}
