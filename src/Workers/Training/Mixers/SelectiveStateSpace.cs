using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// A Mamba-style selective state-space mixer in Mamba-2's form (Dao and Gu 2024): an input projection to the gate z,
/// the stream x and the input-dependent B, C and step Δ; a depthwise causal convolution over (x, B, C); per head
/// h_t = exp(Δ_t·A)·h_{t-1} + Δ_t·B_t x_tᵀ and y_t = C_tᵀ h_t + D·x_t; a gated RMSNorm, norm(y ⊙ SiLU(z)); and W_o.
/// A is a scalar per head, which makes the chunked scan (SSD) exact and stable.
/// </summary>
public sealed class SelectiveStateSpace : nn.Module<Tensor, Tensor>, IResidualWriter, IRecurrentMixer
{
    public const int Chunk = 64;

    private readonly Linear inProj, proj;
    private readonly Parameter convWeight, convBias, dtBias, aLog, skip;
    private readonly RmsNorm norm;
    private readonly int _heads, _inner, _state;

    public SelectiveStateSpace(int dModel, int heads, int stateSize) : base(nameof(SelectiveStateSpace))
    {
        (_heads, _inner, _state) = (heads, Models.Mixers.MambaExpand * dModel, stateSize);
        var convChannels = _inner + 2 * stateSize;
        inProj = nn.Linear(dModel, 2 * _inner + 2 * stateSize + heads, hasBias: false);   // z, x, B, C, Δ
        proj = nn.Linear(_inner, dModel, hasBias: false);
        convWeight = new Parameter(empty(convChannels, 1, Models.Mixers.MambaConvKernel));
        convBias = new Parameter(zeros(convChannels));
        // Δ starts log-uniform in [0.001, 0.1] (through softplus⁻¹), A in [1, 16] as in Mamba; D = 1.
        var dt = exp(rand(heads) * (Math.Log(0.1) - Math.Log(0.001)) + Math.Log(0.001));
        dtBias = new Parameter(dt + log(-expm1(-dt)));
        aLog = new Parameter(log(rand(heads) * 15 + 1));
        skip = new Parameter(ones(heads));
        norm = new RmsNorm(_inner);
        RegisterComponents();
        using var _ = no_grad();
        nn.init.kaiming_uniform_(convWeight, a: Math.Sqrt(5));
    }

    public Linear OutputProjection => proj;

    public override Tensor forward(Tensor x) => Mix(x, recurrent: false);

    public Tensor ForwardRecurrent(Tensor x) => Mix(x, recurrent: true);

    private Tensor Mix(Tensor x, bool recurrent)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (x.shape[0], x.shape[1]);
        var parts = inProj.forward(x).split([_inner, _inner + 2 * _state, _heads], dim: -1);
        var (z, xbc, dtRaw) = (parts[0], parts[1], parts[2]);                                    // (B, T, E), (B, T, E+2N), (B, T, H)
        xbc = CausalConv(xbc);
        var streams = nn.functional.silu(xbc).split([_inner, _state, _state], dim: -1);
        var (u, bIn, cOut) = (streams[0], streams[1], streams[2]);                               // (B, T, E), (B, T, N), (B, T, N)
        var dt = nn.functional.softplus(dtRaw + dtBias);                                           // (B, T, H)
        var logDecay = (dt * -aLog.exp()).transpose(1, 2);                                        // (B, H, T): Δ·A
        var heads = u.view(b, t, _heads, -1).transpose(1, 2);                                      // (B, H, T, P)
        var v = heads * dt.transpose(1, 2).unsqueeze(-1);                                          // Δ·x
        var k = bIn.unsqueeze(1).expand(b, _heads, t, _state);                                     // (B, H, T, N), B shared by heads
        var q = cOut.unsqueeze(1).expand(b, _heads, t, _state);
        var y = recurrent ? LinearRecurrence.Recurrent(q, k, v, logDecay) : LinearRecurrence.Chunked(q, k, v, logDecay, Chunk);
        y = y + heads * skip.view(1, _heads, 1, 1);                                                // (B, H, T, P)
        y = AttentionHeads.Merge(y);                                                               // (B, T, E)
        return proj.forward(norm.forward(y * nn.functional.silu(z))).MoveToOuterDisposeScope();
    }

    /// <summary>Depthwise convolution that looks only back: pad K−1 on the left. (B, T, C) → (B, T, C).</summary>
    private Tensor CausalConv(Tensor x)
    {
        var channels = x.transpose(1, 2);                                                           // (B, C, T)
        var padded = nn.functional.pad(channels, [Models.Mixers.MambaConvKernel - 1, 0]);
        return nn.functional.conv1d(padded, convWeight, convBias, groups: channels.shape[1]).transpose(1, 2);
    }
}
