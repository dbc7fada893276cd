using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// Rotary position embedding (Su et al. 2021), GPT-NeoX layout: the two halves of each head's channels are the
/// two coordinates of head/2 planes, plane i rotated by angle t·10000^(-2i/head). No parameters. The cos and sin
/// tables depend only on (T, head size, device, dtype), so they are built once per process and reused by every step
/// (and are already there when a step is captured as a CUDA graph). On CUDA with the native library, one fused kernel
/// rotates with fp32 tables; the managed path uses tables in x's precision.
/// </summary>
public static class RotaryEmbedding
{
    public const double Base = 10_000;

    private static readonly ConcurrentDictionary<(long T, long HeadSize, TorchSharp.DeviceType Kind, int Index, ScalarType Type), Lazy<(Tensor Cos, Tensor Sin)>> Tables = new();

    /// <param name="x">(B, H, T, hs) queries or keys, hs even.</param>
    public static Tensor Apply(Tensor x)
    {
        if (Native.NativeOps.Available && x.device_type == TorchSharp.DeviceType.CUDA)
        {
            var (cos32, sin32) = TablesFor(x, float32);
            return Native.NativeOps.Rotary(x, cos32, sin32);
        }
        using var scope = NewDisposeScope();
        var (cos, sin) = TablesFor(x, x.dtype);                                                 // 2 x (T, hs/2)
        var halves = x.chunk(2, dim: -1);                                                       // 2 x (B, H, T, hs/2)
        var (x1, x2) = (halves[0], halves[1]);
        return cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim: -1).MoveToOuterDisposeScope();
    }

    private static (Tensor Cos, Tensor Sin) TablesFor(Tensor x, ScalarType type)
    {
        var (t, hs) = (x.shape[2], x.shape[3]);
        var key = (t, hs, x.device_type, x.device_index, type);   // no Device object or string per call: this is every layer's forward
        var lazy = Tables.GetOrAdd(key, k => new Lazy<(Tensor, Tensor)>(() =>
        {
            using var scope = NewDisposeScope();
            var inverse = pow(Base, -arange(0, hs, 2, dtype: float32, device: x.device) / hs);   // (hs/2)
            var angles = outer(arange(t, dtype: float32, device: x.device), inverse);             // (T, hs/2)
            var tables = (angles.cos().to(k.Type).DetachFromDisposeScope(), angles.sin().to(k.Type).DetachFromDisposeScope());
            // Built on this run's stream, read from every run's: finished before anyone else sees them.
            if (x.device_type == TorchSharp.DeviceType.CUDA) cuda.synchronize(x.device);
            return tables;
        }));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Tables.TryRemove(KeyValuePair.Create(key, lazy));   // a failure (out of memory) is not kept for good
            throw;
        }
    }
}
