using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// TorchSharp's AdamW whose step, on CUDA with the native library, is one fused kernel per parameter (the trainer's
/// two flat buffers) instead of about ten full passes each. The state is TorchSharp's own (moments and step count),
/// so checkpoints are the same either way; elsewhere, and for the options the kernel does not cover (AMSGrad,
/// maximize, a closure), it is TorchSharp's step.
/// </summary>
public sealed class FusedAdamW(IEnumerable<AdamW.ParamGroup> groups) : AdamW(groups)
{
    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null || !Native.NativeOps.Available || !_parameter_groups.All(Fusable)) return base.step(closure!);
        foreach (var group in _parameter_groups)
        {
            var options = (Options)group.Options;
            foreach (var parameter in group.Parameters)
            {
                if (parameter.grad is not { } grad) continue;
                var state = (State)_state[parameter.Handle];
                state.step += 1;
                Native.NativeOps.AdamW(parameter, grad, state.exp_avg, state.exp_avg_sq, options.LearningRate!.Value,
                    options.beta1!.Value, options.beta2!.Value, options.eps!.Value, options.weight_decay!.Value, state.step);
            }
        }
        return null!;   // as TorchSharp's step without a closure
    }

    private static bool Fusable(TorchSharp.Modules.ParamGroup group) =>
        group.Options is Options { amsgrad: false, maximize: false } &&
        group.Parameters.All(p => p.device_type == TorchSharp.DeviceType.CUDA && p.dtype == ScalarType.Float32 && p.is_contiguous());
}
