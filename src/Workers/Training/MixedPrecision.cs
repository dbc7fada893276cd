using ScaleLab.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// The trainer's parameters and their precision. Explicit mixed precision (TorchSharp has no autocast): in "bf16" a
/// bf16 copy of the model runs forward and backward, its gradients are copied into the fp32 master weights that the
/// optimizer owns, and the updated masters are copied back (Micikevicius et al. 2018; bf16 needs no loss scaling).
/// In "fp32" and "tf32" one fp32 model does everything, and "tf32" lets CUDA matmuls use TF32.
/// <para>
/// Parameters live in flat buffers, one per optimizer group (<see cref="OptimizerGroup"/>), each module parameter a view into
/// its group's buffer, and each gradient a view into a flat gradient buffer that backward accumulates into. So
/// AdamW, clipping, zeroing and the bf16↔fp32 copies are a handful of large kernels instead of a few per tensor
/// (TorchSharp's AdamW has no fused or multi-tensor form), and nothing waits for the device. The same holds for K
/// models packed as one (Packing.PackedDecoderLM): each buffer is then K rows, one per model.
/// </para>
/// </summary>
public sealed class MixedPrecision : IDisposable
{
    private readonly (Tensor Weights, Tensor Gradients)[] _computeBuffers = [];
    private readonly IDisposable? _matmulPrecision;

    /// <param name="master">An fp32 model on <paramref name="device"/>, its weights already initialised or restored.</param>
    /// <param name="groups">The optimizer's groups (<see cref="OptimizerGroup.Standard"/>, or μP's): each parameter goes to the first that takes it.</param>
    /// <param name="models">
    /// K, where the master packs K models and each parameter's leading dimension picks the model (PackedDecoderLM);
    /// 1 for an ordinary model.
    /// </param>
    /// <param name="blank">Builds a model of the master's architecture whose weights are overwritten: the bf16 compute copy.</param>
    public MixedPrecision(nn.Module<Tensor, Tensor> master, IReadOnlyList<OptimizerGroup> groups, int models,
        Func<nn.Module<Tensor, Tensor>> blank, string precision, Device device)
    {
        Mode = Resolve(precision, device);
        (Master, Models, Groups) = (master, models, groups);
        if (device.type == DeviceType.CUDA) backends.cuda.enable_flash_sdp(true);
        var members = Members(master, groups);
        Layouts = [.. members.Select(ps => new PackedLayout(models, [.. ps.Select(p => p.numel() / models)]))];
        Buffers = [.. members.Select(ps => new Parameter(Flatten(ps, float32, device), requires_grad: true))];
        if (Mode != Precisions.Bf16)
        {
            Compute = master;
            foreach (var (buffer, ps) in Buffers.Zip(members)) buffer.grad = GradientViews(ps, float32, device);
            // Last, so nothing can fail while the switch is held and leave other runs waiting for it.
            if (device.type == DeviceType.CUDA) _matmulPrecision = MatmulPrecisionGate.Enter(Mode);
            return;
        }
        Compute = blank();   // its weights are the masters', copied below
        Compute.to(device).to(bfloat16);
        _computeBuffers = [.. Members(Compute, groups).Select(ps => (Flatten(ps, bfloat16, device), GradientViews(ps, bfloat16, device)))];
        foreach (var buffer in Buffers) buffer.grad = zeros_like(buffer);
        WeightsToCompute();
    }

    /// <summary>The models the parameters hold (K of a packed model, else 1): row k of a buffer viewed (K, -1) is model k's.</summary>
    public int Models { get; }

    /// <summary>"fp32", "tf32" or "bf16": "auto" is bf16 on CUDA and fp32 elsewhere.</summary>
    public string Mode { get; }

    /// <summary>The fp32 weights the optimizer updates and checkpoints hold.</summary>
    public nn.Module<Tensor, Tensor> Master { get; }

    /// <summary>The model that runs forward and backward.</summary>
    public nn.Module<Tensor, Tensor> Compute { get; }

    /// <summary>The optimizer's groups, in the order of <see cref="Buffers"/>.</summary>
    public IReadOnlyList<OptimizerGroup> Groups { get; }

    /// <summary>Each group's fp32 master weights, flat: AdamW steps each as one parameter.</summary>
    public IReadOnlyList<Parameter> Buffers { get; }

    /// <summary>Where each model's part of each buffer (its weights, gradients and optimizer moments) lies.</summary>
    public IReadOnlyList<PackedLayout> Layouts { get; }

    /// <summary>
    /// The run's AdamW (β 0.9, 0.95, ε 1e-8), one parameter group per buffer: weight decay where the group decays, and
    /// each group's multiples of the learning rate and the weight decay.
    /// </summary>
    public FusedAdamW NewOptimizer(RunConfig config) => new(
        [.. Groups.Zip(Buffers).Select(g => new AdamW.ParamGroup([g.Second], config.LearningRate * g.First.RateScale, 0.9, 0.95, 1e-8,
            g.First.Decays ? config.WeightDecay * g.First.DecayScale : 0.0, false, false))],
        [.. Groups.Select(g => g.RateScale)]);

    public static string Resolve(string configured, Device device) =>
        Precisions.Resolve(configured, device.type == DeviceType.CUDA);

    public void ZeroGradients()
    {
        foreach (var buffer in Buffers) buffer.grad!.zero_();
        foreach (var (_, gradients) in _computeBuffers) gradients.zero_();
    }

    /// <summary>Before the optimizer step: the compute model's gradients, in fp32, become the masters'.</summary>
    public void GradientsToMaster()
    {
        for (var i = 0; i < _computeBuffers.Length; i++) Buffers[i].grad!.copy_(_computeBuffers[i].Gradients);
    }

    /// <summary>
    /// Scales each model's master gradients so their global L2 norm is at most <paramref name="maxNorm"/> (as torch's
    /// clip_grad_norm_ does for one model) and returns the (K) norms before clipping, as a device tensor: reading them
    /// is left to the caller. Packed models are clipped each by its own norm, as each would be alone.
    /// </summary>
    public Tensor ClipGradients(double maxNorm)
    {
        var squares = Layouts[0].SquaresPerModel(Buffers[0].grad!);
        for (var i = 1; i < Buffers.Count; i++) squares = squares + Layouts[i].SquaresPerModel(Buffers[i].grad!);
        var norm = squares.sqrt();                                                                                     // (K)
        var scale = (maxNorm / (norm + 1e-6)).clamp_max(1.0);                                                          // (K)
        for (var i = 0; i < Buffers.Count; i++) Layouts[i].ScalePerModel(Buffers[i].grad!, scale);
        return norm;
    }

    /// <summary>After the optimizer step: the compute copy takes the updated weights.</summary>
    public void WeightsToCompute()
    {
        if (_computeBuffers.Length == 0) return;
        using var _ = no_grad();
        for (var i = 0; i < _computeBuffers.Length; i++) _computeBuffers[i].Weights.copy_(Buffers[i]);
    }

    public void Dispose()
    {
        _matmulPrecision?.Dispose();
        if (!ReferenceEquals(Compute, Master)) Compute.Dispose();
        foreach (var (weights, gradients) in _computeBuffers)
        {
            weights.Dispose();
            gradients.Dispose();
        }
    }

    /// <summary>Each group's parameters, in model order: a parameter joins the first group that takes it.</summary>
    private static List<Parameter>[] Members(nn.Module model, IReadOnlyList<OptimizerGroup> groups)
    {
        var members = groups.Select(_ => new List<Parameter>()).ToArray();
        foreach (var (name, p) in model.named_parameters())
        {
            var group = -1;
            for (var i = 0; i < groups.Count && group < 0; i++)
                if (groups[i].Takes(name, p)) group = i;
            if (group < 0) throw new ArgumentException($"no optimizer group takes parameter {name}", nameof(groups));
            members[group].Add(p);
        }
        return members;
    }

    /// <summary>Copies the parameters into one buffer and makes each a view of its slice.</summary>
    private static Tensor Flatten(IReadOnlyList<Parameter> parameters, ScalarType dtype, Device device)
    {
        var weights = zeros(parameters.Sum(p => p.numel()), dtype, device);
        using (no_grad())
        {
            foreach (var (p, slice) in parameters.Zip(Views(parameters, weights)))
            {
                slice.copy_(p);
                p.set_(slice);
            }
        }
        return weights;
    }

    /// <summary>One zeroed gradient buffer, each parameter's .grad a view of its slice (backward accumulates in place).</summary>
    private static Tensor GradientViews(IReadOnlyList<Parameter> parameters, ScalarType dtype, Device device)
    {
        var gradients = zeros(parameters.Sum(p => p.numel()), dtype, device);
        foreach (var (p, slice) in parameters.Zip(Views(parameters, gradients))) p.grad = slice;
        return gradients;
    }

    /// <summary>Each parameter's view of a flat buffer, one after the other (the layout <see cref="PackedLayout"/> describes).</summary>
    private static IEnumerable<Tensor> Views(IReadOnlyList<Parameter> parameters, Tensor buffer)
    {
        long offset = 0;
        foreach (var p in parameters)
        {
            yield return buffer.narrow(0, offset, p.numel()).view(p.shape);
            offset += p.numel();
        }
    }
}
