using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>Linear attention's kernel feature maps φ, applied to queries and keys (…, f).</summary>
public static class FeatureMap
{
    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "elu+1" => nn.functional.elu(x, alpha: 1.0, inplace: false) + 1,   // Katharopoulos et al. 2020
        "relu" => nn.functional.relu(x),
        "taylor" => Taylor(x),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown feature map"),
    };

    /// <summary>
    /// Based's 2nd-order Taylor map (Arora et al. 2024): φ(x) = [1, x/f^¼, (x⊗x)/(√2·√f)], so that
    /// φ(q)·φ(k) = 1 + q·k/√f + (q·k)²/(2f) ≈ exp(q·k/√f). Size 1 + f + f².
    /// </summary>
    private static Tensor Taylor(Tensor x)
    {
        var f = x.shape[^1];
        var outer = (x.unsqueeze(-1) * x.unsqueeze(-2)).flatten(-2);                          // (…, f²)
        return cat([ones_like(x[.., .., .., ..1]), x / Math.Pow(f, 0.25), outer / (Math.Sqrt(2) * Math.Sqrt(f))], dim: -1);
    }
}
