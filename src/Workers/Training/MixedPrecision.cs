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
/// (TorchSharp's AdamW has no fused or multi-tensor form), and nothing waits for the device.
/// </para>
/// </summary>
public sealed class MixedPrecision : IDisposable
{
    private readonly (Tensor Weights, Tensor Gradients)[] _computeBuffers = [];
    private readonly IDisposable? _matmulPrecision;

    /// <param name="master">An fp32 model on <paramref name="device"/>, its weights already initialised or restored.</param>
    public MixedPrecision(RunConfig config, DecoderLM master, Device device)
    {
        Mode = Resolve(config.Precision, device);
        Master = master;
        if (device.type == DeviceType.CUDA) backends.cuda.enable_flash_sdp(true);
        var (decay, noDecay) = Groups(master);
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
        Compute = ModelInitialisation.Build(config, seed: null);   // its weights are the masters', copied below
        Compute.to(device).to(bfloat16);
        var (computeDecay, computeNoDecay) = Groups(Compute);
        _computeBuffers =
        [
            (Flatten(computeDecay, bfloat16, device), GradientViews(computeDecay, bfloat16, device)),
            (Flatten(computeNoDecay, bfloat16, device), GradientViews(computeNoDecay, bfloat16, device)),
        ];
        Decay.grad = zeros_like(Decay);
        NoDecay.grad = zeros_like(NoDecay);
        WeightsToCompute();
    }

    /// <summary>"fp32", "tf32" or "bf16": "auto" is bf16 on CUDA and fp32 elsewhere.</summary>
    public string Mode { get; }

    /// <summary>The fp32 weights the optimizer updates and checkpoints hold.</summary>
    public DecoderLM Master { get; }

    /// <summary>The model that runs forward and backward.</summary>
    public DecoderLM Compute { get; }

    /// <summary>All 2-D and larger master weights, flat: AdamW applies weight decay to this group.</summary>
    public Parameter Decay { get; }

    /// <summary>Norm gains, biases and the other 1-D master parameters, flat: no weight decay.</summary>
    public Parameter NoDecay { get; }

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
    /// Scales the master gradients so their global L2 norm is at most <paramref name="maxNorm"/> (as torch's
    /// clip_grad_norm_ does) and returns the norm before clipping, as a device tensor: reading it is left to the caller.
    /// </summary>
    public Tensor ClipGradients(double maxNorm)
    {
        var norm = (Decay.grad!.square().sum() + NoDecay.grad!.square().sum()).sqrt();
        var scale = (maxNorm / (norm + 1e-6)).clamp_max(1.0);
        Decay.grad!.mul_(scale);
        NoDecay.grad!.mul_(scale);
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

    private static (List<Parameter> Decay, List<Parameter> NoDecay) Groups(DecoderLM model) =>
        (model.parameters().Where(p => p.dim() >= 2).ToList(), model.parameters().Where(p => p.dim() < 2).ToList());

    /// <summary>Copies the parameters into one buffer and makes each a view of its slice.</summary>
    private static Tensor Flatten(IReadOnlyList<Parameter> parameters, ScalarType dtype, Device device)
    {
        var weights = zeros(parameters.Sum(p => p.numel()), dtype, device);
        using (no_grad())
        {
            long offset = 0;
            foreach (var p in parameters)
            {
                var slice = weights.narrow(0, offset, p.numel()).view(p.shape);
                slice.copy_(p);
                p.set_(slice);
                offset += p.numel();
            }
        }
        return weights;
    }

    /// <summary>One zeroed gradient buffer, each parameter's .grad a view of its slice (backward accumulates in place).</summary>
    private static Tensor GradientViews(IReadOnlyList<Parameter> parameters, ScalarType dtype, Device device)
    {
        var gradients = zeros(parameters.Sum(p => p.numel()), dtype, device);
        long offset = 0;
        foreach (var p in parameters)
        {
            p.grad = gradients.narrow(0, offset, p.numel()).view(p.shape);
            offset += p.numel();
        }
        return gradients;
    }
}
