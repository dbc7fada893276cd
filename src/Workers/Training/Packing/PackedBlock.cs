using ScaleLab.Runs;
using ScaleLab.Workers.Training.Mixers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Packing;

/// <summary>
/// K <see cref="TransformerBlock"/>s with softmax attention, stacked: x + Attention(RMSNorm(x)), then
/// + SwiGLU(RMSNorm(x)), each model with its own weights. Fields are in the order of the block's own parameters, so
/// the packed parameters list in the same order as one model's.
/// </summary>
public sealed class PackedBlock : nn.Module<Tensor, Tensor>
{
    private readonly Parameter norm1, norm2;   // (K, d) RMSNorm gains
    private readonly Parameter qkv, proj;      // (K, 3d, d), (K, d, d)
    private readonly Parameter w1, w3, w2;     // (K, h, d), (K, h, d), (K, d, h)
    private readonly int _heads;
    private readonly bool _rotary;

    public PackedBlock(RunConfig c, int models) : base(nameof(PackedBlock))
    {
        var (k, d, h) = (models, c.DModel, Models.TransformerShape.SwiGluHidden(c.DModel));
        norm1 = new Parameter(ones(k, d));
        norm2 = new Parameter(ones(k, d));
        qkv = new Parameter(zeros(k, 3 * d, d));
        proj = new Parameter(zeros(k, d, d));
        w1 = new Parameter(zeros(k, h, d));
        w3 = new Parameter(zeros(k, h, d));
        w2 = new Parameter(zeros(k, d, h));
        (_heads, _rotary) = (c.NHeads, c.Positions == ScaleLab.Models.PositionKinds.Rope);
        RegisterComponents();
    }

    /// <summary>Each stacked parameter with the name of the parameter it stacks in <see cref="TransformerBlock"/>.</summary>
    public IEnumerable<(string Name, Parameter Stacked)> Sources(string prefix) =>
    [
        ($"{prefix}.norm1.weight", norm1), ($"{prefix}.norm2.weight", norm2),
        ($"{prefix}.mixer.qkv.weight", qkv), ($"{prefix}.mixer.proj.weight", proj),
        ($"{prefix}.mlp.w1.weight", w1), ($"{prefix}.mlp.w3.weight", w3), ($"{prefix}.mlp.w2.weight", w2),
    ];

    /// <param name="x">(K, B, T, d).</param>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + Attention(StackedOps.RmsNorm(x, norm1));
        x = x + FeedForward(StackedOps.RmsNorm(x, norm2));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Causal softmax attention of every model at once: the K models' sequences are one batch of K·B.</summary>
    private Tensor Attention(Tensor u)
    {
        var (k, b, t, d) = (u.shape[0], u.shape[1], u.shape[2], u.shape[3]);
        var parts = StackedOps.Linear(u, qkv).view(k * b, t, 3 * d).split(d, dim: 2);          // 3 x (K·B, T, d)
        var (q, key, v) = (Rotated(Heads(parts[0])), Rotated(Heads(parts[1])), Heads(parts[2]));   // 3 x (K·B, nh, T, hs)
        var y = nn.functional.scaled_dot_product_attention(q, key, v, is_casual: true);       // (K·B, nh, T, hs)
        return StackedOps.Linear(AttentionHeads.Merge(y).view(k, b, t, d), proj);          // (K, B, T, d)
    }

    private Tensor Heads(Tensor x) => AttentionHeads.SplitHeads(x, _heads);

    /// <summary>Queries and keys carry positions by rotation where the config says "rope"; values never do.</summary>
    private Tensor Rotated(Tensor x) => _rotary ? RotaryEmbedding.Apply(x) : x;

    /// <summary>SwiGLU: W2 · (SiLU(W1 u) ⊙ W3 u), the gate fused on CUDA with the native library as <see cref="SwiGlu"/> does.</summary>
    private Tensor FeedForward(Tensor u)
    {
        var (gate, value) = (StackedOps.Linear(u, w1), StackedOps.Linear(u, w3));
        var hidden = Native.NativeOps.Available && u.device_type == DeviceType.CUDA
            ? Native.NativeOps.SwiGlu(gate, value)
            : nn.functional.silu(gate) * value;
        return StackedOps.Linear(hidden, w2);
    }
}
