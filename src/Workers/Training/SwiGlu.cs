using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>SwiGLU feed-forward (Shazeer 2020): W2 · (SiLU(W1 x) ⊙ W3 x); the gate is one fused kernel on CUDA with the native library.</summary>
public sealed class SwiGlu : nn.Module<Tensor, Tensor>, Mixers.IResidualWriter
{
    private readonly Linear w1, w3, w2;

    public SwiGlu(int dModel, int hidden) : base(nameof(SwiGlu))
    {
        w1 = nn.Linear(dModel, hidden, hasBias: false);
        w3 = nn.Linear(dModel, hidden, hasBias: false);
        w2 = nn.Linear(hidden, dModel, hasBias: false);
        RegisterComponents();
    }

    public Linear OutputProjection => w2;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (gate, value) = (w1.forward(x), w3.forward(x));
        var hidden = Native.NativeOps.Available && x.device_type == DeviceType.CUDA
            ? Native.NativeOps.SwiGlu(gate, value)
            : nn.functional.silu(gate) * value;
        return w2.forward(hidden).MoveToOuterDisposeScope();
    }
}
