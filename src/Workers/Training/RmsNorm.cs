using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Root-mean-square layer norm (Zhang and Sennrich 2019): x / rms(x) · g, with no mean centring or bias. On CUDA with
/// the native library loaded it is ATen's fused kernel; otherwise the same formula in separate ops.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly double _eps;

    public RmsNorm(int dim, double eps = 1e-6) : base(nameof(RmsNorm))
    {
        weight = new TorchSharp.Modules.Parameter(ones(dim));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (Native.NativeOps.Available && x.device_type == DeviceType.CUDA) return Native.NativeOps.RmsNorm(x, weight, _eps);
        using var scope = NewDisposeScope();
        var x32 = x.to(float32);                                  // statistics in fp32 also when x is bf16
        var rms = x32.pow(2).mean([-1], keepdim: true).add(_eps).rsqrt();
        return ((x32 * rms).to(x.dtype) * weight).MoveToOuterDisposeScope();
    }
}
