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
/// Parameters live in flat buffers, one per optimizer group (weight decay or not), each module parameter a view into
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
    /// <param name="decays">Which of its parameters take weight decay (classified by their shape in one model).</param>
    /// <param name="models">
    /// K, where the master packs K models and each parameter's leading dimension picks the model (PackedDecoderLM);
    /// 1 for an ordinary model.
    /// </param>
    /// <param name="blank">Builds a model of the master's architecture whose weights are overwritten: the bf16 compute copy.</param>
    public MixedPrecision(nn.Module<Tensor, Tensor> master, Func<Parameter, bool> decays, int models,
        Func<nn.Module<Tensor, Tensor>> blank, string precision, Device device)
    {
        Mode = Resolve(precision, device);
        (Master, Models) = (master, models);
        if (device.type == DeviceType.CUDA) backends.cuda.enable_flash_sdp(true);
        var (decay, noDecay) = Groups(master, decays);
        DecayLayout = new PackedLayout(models, [.. decay.Select(p => p.numel() / models)]);
        NoDecayLayout = new PackedLayout(models, [.. noDecay.Select(p => p.numel() / models)]);
        Decay = new Parameter(Flatten(decay, float32, device), requires_grad: true);
        NoDecay = new Parameter(Flatten(noDecay, float32, device), requires_grad: true);
        if (Mode != Precisions.Bf16)
        {
            Compute = master;
            Decay.grad = GradientViews(decay, float32, device);
            NoDecay.grad = GradientViews(noDecay, float32, device);
            // Last, so nothing can fail while the switch is held and leave other runs waiting for it.
            if (device.type == DeviceType.CUDA) _matmulPrecision = MatmulPrecisionGate.Enter(Mode);
            return;
        }
        Compute = blank();   // its weights are the masters', copied below
        Compute.to(device).to(bfloat16);
        var (computeDecay, computeNoDecay) = Groups(Compute, decays);
        _computeBuffers =
        [
            (Flatten(computeDecay, bfloat16, device), GradientViews(computeDecay, bfloat16, device)),
            (Flatten(computeNoDecay, bfloat16, device), GradientViews(computeNoDecay, bfloat16, device)),
        ];
        Decay.grad = zeros_like(Decay);
        NoDecay.grad = zeros_like(NoDecay);
        WeightsToCompute();
    }

    /// <summary>The models the parameters hold (K of a packed model, else 1): row k of a buffer viewed (K, -1) is model k's.</summary>
    public int Models { get; }

    /// <summary>Where each model's part of <see cref="Decay"/> (its weights, gradients and optimizer moments) lies.</summary>
    public PackedLayout DecayLayout { get; }

    /// <summary>Where each model's part of <see cref="NoDecay"/> lies.</summary>
    public PackedLayout NoDecayLayout { get; }

    /// <summary>"fp32", "tf32" or "bf16": "auto" is bf16 on CUDA and fp32 elsewhere.</summary>
    public string Mode { get; }

    /// <summary>The fp32 weights the optimizer updates and checkpoints hold.</summary>
    public nn.Module<Tensor, Tensor> Master { get; }

    /// <summary>The model that runs forward and backward.</summary>
    public nn.Module<Tensor, Tensor> Compute { get; }

    /// <summary>The master weights that decay (2-D and larger in a model), flat: AdamW applies weight decay to this group.</summary>
    public Parameter Decay { get; }

    /// <summary>Norm gains, biases and the other 1-D master parameters, flat: no weight decay.</summary>
    public Parameter NoDecay { get; }

    /// <summary>The run's AdamW (β 0.9, 0.95, ε 1e-8) over the two groups, weight decay on <see cref="Decay"/> only.</summary>
    public FusedAdamW NewOptimizer(RunConfig config) => new(
    [
        new AdamW.ParamGroup([Decay], config.LearningRate, 0.9, 0.95, 1e-8, config.WeightDecay, false, false),
        new AdamW.ParamGroup([NoDecay], config.LearningRate, 0.9, 0.95, 1e-8, 0.0, false, false),
    ]);

    public static string Resolve(string configured, Device device) =>
        Precisions.Resolve(configured, device.type == DeviceType.CUDA);

    public void ZeroGradients()
    {
        Decay.grad!.zero_();
        NoDecay.grad!.zero_();
        foreach (var (_, gradients) in _computeBuffers) gradients.zero_();
    }

    /// <summary>Before the optimizer step: the compute model's gradients, in fp32, become the masters'.</summary>
    public void GradientsToMaster()
    {
        if (_computeBuffers.Length == 0) return;
        Decay.grad!.copy_(_computeBuffers[0].Gradients);
        NoDecay.grad!.copy_(_computeBuffers[1].Gradients);
    }

    /// <summary>
    /// Scales each model's master gradients so their global L2 norm is at most <paramref name="maxNorm"/> (as torch's
    /// clip_grad_norm_ does for one model) and returns the (K) norms before clipping, as a device tensor: reading them
    /// is left to the caller. Packed models are clipped each by its own norm, as each would be alone.
    /// </summary>
    public Tensor ClipGradients(double maxNorm)
    {
        var norm = (DecayLayout.SquaresPerModel(Decay.grad!) + NoDecayLayout.SquaresPerModel(NoDecay.grad!)).sqrt();   // (K)
        var scale = (maxNorm / (norm + 1e-6)).clamp_max(1.0);                                                          // (K)
        DecayLayout.ScalePerModel(Decay.grad!, scale);
        NoDecayLayout.ScalePerModel(NoDecay.grad!, scale);
        return norm;
    }

    /// <summary>After the optimizer step: the compute copy takes the updated weights.</summary>
    public void WeightsToCompute()
    {
        if (_computeBuffers.Length == 0) return;
        using var _ = no_grad();
        _computeBuffers[0].Weights.copy_(Decay);
        _computeBuffers[1].Weights.copy_(NoDecay);
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

    private static (List<Parameter> Decay, List<Parameter> NoDecay) Groups(nn.Module model, Func<Parameter, bool> decays) =>
        (model.parameters().Where(decays).ToList(), model.parameters().Where(p => !decays(p)).ToList());

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
