using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// Rotary position embedding (Su et al. 2021), GPT-NeoX layout: the two halves of each head's channels are the
/// two coordinates of head/2 planes, plane i rotated by angle t·10000^(-2i/head). No parameters.
/// </summary>
public static class RotaryEmbedding
{
    public const double Base = 10_000;

    /// <param name="x">(B, H, T, hs) queries or keys, hs even.</param>
    public static Tensor Apply(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (t, hs) = (x.shape[2], x.shape[3]);
        var inverse = pow(Base, -arange(0, hs, 2, dtype: float32, device: x.device) / hs);   // (hs/2)
        var angles = outer(arange(t, dtype: float32, device: x.device), inverse);             // (T, hs/2)
        var cos = angles.cos().to(x.dtype);
        var sin = angles.sin().to(x.dtype);
        var halves = x.chunk(2, dim: -1);                                                       // 2 x (B, H, T, hs/2)
        var (x1, x2) = (halves[0], halves[1]);
        return cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim: -1).MoveToOuterDisposeScope();
    }
}
