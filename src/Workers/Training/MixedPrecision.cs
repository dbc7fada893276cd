using ScaleLab.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// Explicit mixed precision (TorchSharp has no autocast): in "bf16" a bf16 copy of the model runs forward and
/// backward, its gradients are copied into the fp32 master weights that the optimizer owns, and the updated masters
/// are copied back (Micikevicius et al. 2018; bf16 needs no loss scaling). In "fp32" and "tf32" one fp32 model does
/// everything, and "tf32" lets CUDA matmuls use TF32.
/// </summary>
public sealed class MixedPrecision : IDisposable
{
    private readonly List<(Parameter Master, Parameter Compute)> _pairs = [];

    public MixedPrecision(RunConfig config, DecoderLM master, Device device)
    {
        Mode = Resolve(config.Precision, device);
        Master = master;
        if (device.type == DeviceType.CUDA)
        {
            backends.cuda.matmul.allow_tf32 = Mode == "tf32";
            backends.cudnn.allow_tf32 = Mode == "tf32";
            backends.cuda.enable_flash_sdp(true);
        }
        if (Mode != "bf16")
        {
            Compute = master;
            return;
        }
        Compute = new DecoderLM(config);
        Compute.to(device).to(bfloat16);
        _pairs.AddRange(master.parameters().Zip(Compute.parameters()));
        WeightsToCompute();
    }

    /// <summary>"fp32", "tf32" or "bf16": "auto" is bf16 on CUDA and fp32 elsewhere.</summary>
    public string Mode { get; }

    /// <summary>The fp32 weights the optimizer updates and checkpoints hold.</summary>
    public DecoderLM Master { get; }

    /// <summary>The model that runs forward and backward.</summary>
    public DecoderLM Compute { get; }

    public static string Resolve(string configured, Device device) =>
        configured == "auto" ? device.type == DeviceType.CUDA ? "bf16" : "fp32" : configured;

    /// <summary>Before the optimizer step: the compute model's gradients, in fp32, become the masters'.</summary>
    public void GradientsToMaster()
    {
        if (_pairs.Count == 0) return;
        foreach (var (master, compute) in _pairs)
            master.grad = compute.grad?.to(float32);
    }

    /// <summary>After the optimizer step: the compute copy takes the updated weights, and drops its gradients.</summary>
    public void WeightsToCompute()
    {
        if (_pairs.Count == 0) return;
        using var _ = no_grad();
        foreach (var (master, compute) in _pairs)
        {
            compute.copy_(master);
            compute.grad = null;
        }
    }

    public void Dispose()
    {
        if (!ReferenceEquals(Compute, Master)) Compute.Dispose();
    }
}
