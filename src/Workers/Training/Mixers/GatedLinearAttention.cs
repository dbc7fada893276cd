using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// Gated linear attention (Yang et al. 2023): S_t = diag(α_t)·S_{t-1} + k_t v_tᵀ, o_t = q_tᵀ S_t, with a data-dependent
/// forget gate α_t = σ(W_α x_t)^(1/τ) from a low-rank projection, per-head normalisation of o, and an output gate
/// SiLU(W_r x) before W_o. The paper's shape: queries and keys of width d_k = d/2, values of width d, 4 heads (as
/// flash-linear-attention's expand_k = 0.5, expand_v = 1). Trained in the chunked form.
/// </summary>
public sealed class GatedLinearAttention : nn.Module<Tensor, Tensor>, IResidualWriter, IRecurrentMixer, IFixedInputProjections
{
    public const int Chunk = 64;

    /// <summary>The paper's temperature: log α = logσ(·)/16 keeps gates near 1 at initialisation.</summary>
    private const double GateTemperature = 16;

    /// <summary>
    /// Lowest log α per step (α ≥ e^−2.5 ≈ 0.08; three such steps forget 99.9%): keeps a chunk of 64 within 160 nats,
    /// which the chunked form needs (see LinearRecurrence). The recurrent form uses the same clamp, so both compute one function.
    /// </summary>
    private const double MinLogGate = -2.5;

    private readonly Linear wq, wk, wv, wr, proj, gateDown, gateUp;
    private readonly RmsNorm headNorm;
    private readonly int _heads;

    public GatedLinearAttention(int dModel, int keyDim, int heads) : base(nameof(GatedLinearAttention))
    {
        wq = nn.Linear(dModel, keyDim, hasBias: false);
        wk = nn.Linear(dModel, keyDim, hasBias: false);
        wv = nn.Linear(dModel, dModel, hasBias: false);
        wr = nn.Linear(dModel, dModel, hasBias: false);
        proj = nn.Linear(dModel, dModel, hasBias: false);
        gateDown = nn.Linear(dModel, Models.Mixers.GlaGateRank, hasBias: false);
        gateUp = nn.Linear(Models.Mixers.GlaGateRank, keyDim, hasBias: true);
        headNorm = new RmsNorm(dModel / heads);
        _heads = heads;
        RegisterComponents();
    }

    public Linear OutputProjection => proj;

    /// <summary>The gate's up-projection reads the low-rank (16) gate code, whose width does not grow with d_model.</summary>
    public IEnumerable<Linear> FixedInputProjections => [gateUp];

    public override Tensor forward(Tensor x) => Mix(x, recurrent: false);

    public Tensor ForwardRecurrent(Tensor x) => Mix(x, recurrent: true);

    private Tensor Mix(Tensor x, bool recurrent)
    {
        using var scope = NewDisposeScope();
        var q = AttentionHeads.SplitHeads(wq.forward(x), _heads);                                   // (B, H, T, d_k/H)
        var k = AttentionHeads.SplitHeads(wk.forward(x), _heads);
        var v = AttentionHeads.SplitHeads(wv.forward(x), _heads);                                   // (B, H, T, d/H)
        q = q * Math.Pow(q.shape[3], -0.5);
        var logGate = (nn.functional.logsigmoid(gateUp.forward(gateDown.forward(x))) / GateTemperature).clamp_min(MinLogGate);
        logGate = AttentionHeads.SplitHeads(logGate, _heads);                                       // (B, H, T, d_k/H)
        var o = recurrent ? LinearRecurrence.Recurrent(q, k, v, logGate) : LinearRecurrence.Chunked(q, k, v, logGate, Chunk);
        var y = AttentionHeads.Merge(headNorm.forward(o));                                          // (B, T, d)
        return proj.forward(y * nn.functional.silu(wr.forward(x))).MoveToOuterDisposeScope();
    }
}
