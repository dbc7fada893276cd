using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Mixers;

/// <summary>
/// Causal linear attention (Katharopoulos et al. 2020): o_t = φ(q_t)ᵀ S_t / φ(q_t)ᵀ z_t with S_t = Σ φ(k_s) v_sᵀ and
/// z_t = Σ φ(k_s). Queries and keys are projected to <c>featureDim</c> per head first, as in Based, so the Taylor
/// map's f² features stay affordable.
/// </summary>
public sealed class LinearAttention : nn.Module<Tensor, Tensor>, IResidualWriter, IRecurrentMixer
{
    public const int Chunk = 64;
    private const double Epsilon = 1e-6;

    private readonly Linear wq, wk, wv, proj;
    private readonly int _heads;
    private readonly string _featureMap;

    public LinearAttention(int dModel, int heads, int featureDim, string featureMap) : base(nameof(LinearAttention))
    {
        wq = nn.Linear(dModel, heads * featureDim, hasBias: false);
        wk = nn.Linear(dModel, heads * featureDim, hasBias: false);
        wv = nn.Linear(dModel, dModel, hasBias: false);
        proj = nn.Linear(dModel, dModel, hasBias: false);
        (_heads, _featureMap) = (heads, featureMap);
        RegisterComponents();
    }

    public Linear OutputProjection => proj;

    public override Tensor forward(Tensor x) => Mix(x, recurrent: false);

    public Tensor ForwardRecurrent(Tensor x) => Mix(x, recurrent: true);

    private Tensor Mix(Tensor x, bool recurrent)
    {
        using var scope = NewDisposeScope();
        var q = FeatureMap.Apply(_featureMap, AttentionHeads.SplitHeads(wq.forward(x), _heads));   // (B, H, T, f')
        var k = FeatureMap.Apply(_featureMap, AttentionHeads.SplitHeads(wk.forward(x), _heads));   // (B, H, T, f')
        var v = AttentionHeads.SplitHeads(wv.forward(x), _heads);                                   // (B, H, T, hs)
        var withOnes = cat([v, ones_like(v[.., .., .., ..1])], dim: -1);                         // the extra column carries z
        var o = recurrent ? LinearRecurrence.Recurrent(q, k, withOnes, null) : LinearRecurrence.Chunked(q, k, withOnes, null, Chunk);
        var hs = v.shape[3];
        var y = o[.., .., .., ..(int)hs] / (o[.., .., .., (int)hs..] + Epsilon);                  // (B, H, T, hs)
        return proj.forward(AttentionHeads.Merge(y)).MoveToOuterDisposeScope();
    }
}
