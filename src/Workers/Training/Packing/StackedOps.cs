using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>
/// The layers of a model, applied to K models at once whose weights are stacked along a leading dimension K:
/// every product is one batched GEMM K times the size of one model's, which is the point (Wang et al. 2021, HFTA).
/// </summary>
public static class StackedOps
{
    /// <summary>RMSNorm's ε, as <see cref="Training.RmsNorm"/> uses it.</summary>
    public const double Eps = 1e-6;

    /// <summary>x · Wᵀ per model, as nn.functional.linear does for one (a Linear weight is (out, in)).</summary>
    /// <param name="x">(K, ..., in).</param>
    /// <param name="weight">(K, out, in).</param>
    /// <returns>(K, ..., out).</returns>
    public static Tensor Linear(Tensor x, Tensor weight)
    {
        var shape = x.shape;
        var y = x.view(shape[0], -1, shape[^1]).bmm(weight.transpose(1, 2));   // (K, N, out)
        shape[^1] = weight.shape[1];
        return y.view(shape);
    }

    /// <summary>
    /// RMSNorm over the last dimension with each model's own gain, the numerics of <see cref="Training.RmsNorm"/>:
    /// statistics in fp32, normalised x rounded to x's precision, then scaled.
    /// </summary>
    /// <param name="x">(K, ..., d).</param>
    /// <param name="gain">(K, d).</param>
    public static Tensor RmsNorm(Tensor x, Tensor gain)
    {
        using var scope = NewDisposeScope();
        var broadcast = new long[x.dim()];
        Array.Fill(broadcast, 1L);
        (broadcast[0], broadcast[^1]) = (gain.shape[0], gain.shape[1]);
        var g = gain.view(broadcast);                                                   // (K, 1, ..., 1, d)
        Tensor normalised;
        if (Native.NativeOps.Available && x.device_type == DeviceType.CUDA)
            // ATen's fused kernel has one gain for all rows: a unit one, then each model's.
            normalised = Native.NativeOps.RmsNorm(x, ones(x.shape[^1], x.dtype, x.device), Eps);
        else
        {
            var x32 = x.to(float32);
            normalised = (x32 * x32.pow(2).mean([-1], keepdim: true).add(Eps).rsqrt()).to(x.dtype);
        }
        return (normalised * g).MoveToOuterDisposeScope();
    }

    /// <summary>Rows of each model's own table: model k's ids index table k.</summary>
    /// <param name="table">(K, V, d).</param>
    /// <param name="ids">(K, ...) int64.</param>
    /// <returns>(K, ..., d).</returns>
    public static Tensor Embedding(Tensor table, Tensor ids)
    {
        var d = table.shape[2];
        // gather rather than index_select on a (K·V, d) view: the stacked table may be strided along K (MixedPrecision's layout).
        var rows = table.gather(1, ids.reshape(ids.shape[0], -1, 1).expand(-1, -1, d));   // (K, N, d)
        return rows.view([.. ids.shape, d]);
    }
}
