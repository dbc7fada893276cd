using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// TorchSharp's AdamW whose step, on CUDA with the native library, is one fused kernel per parameter (the trainer's
/// two flat buffers) instead of about ten full passes each. The state is TorchSharp's own (moments and step count),
/// so checkpoints are the same either way; elsewhere, and for the options the kernel does not cover (AMSGrad,
/// maximize, a closure), it is TorchSharp's step.
/// </summary>
/// <param name="rateScales">Each group's multiple of the scheduled learning rate (μP's 1/m for hidden weights); all 1 when null.</param>
public sealed class FusedAdamW(IEnumerable<AdamW.ParamGroup> groups, IReadOnlyList<double>? rateScales = null) : AdamW(groups)
{
    private readonly double[] _rateScales = [.. rateScales ?? []];

    /// <summary>Sets the step's learning rate: <paramref name="lr"/> times each group's scale. One assignment per group, nothing on the device.</summary>
    public void SetLearningRate(double lr)
    {
        for (var i = 0; i < _parameter_groups.Count; i++)
            _parameter_groups[i].LearningRate = lr * (i < _rateScales.Length ? _rateScales[i] : 1);
    }

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

    /// <summary>
    /// Model k's own AdamW, where this one steps K packed models whose parameters share flat buffers
    /// (<see cref="PackedLayout"/>): the same groups and options, each state tensor's part k, the same step counts.
    /// It is what model k's optimizer would be had it trained alone, so its checkpoint resumes alone.
    /// </summary>
    public FusedAdamW Row(int k, IReadOnlyList<PackedLayout> layouts)
    {
        var rows = new FusedAdamW(_parameter_groups.Zip(layouts).Select(pair =>
        {
            var (group, layout) = pair;
            var o = (Options)group.Options;
            var parameters = group.Parameters.Select(p => new Parameter(layout.Row(p.detach(), k))).ToList();
            return new ParamGroup(parameters, o.InitialLearningRate, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, o.amsgrad!.Value, o.maximize!.Value)
            {
                LearningRate = o.LearningRate!.Value,
            };
        }).ToList(), _rateScales);
        var mine = _parameter_groups.Zip(layouts).SelectMany(g => g.First.Parameters.Select(p => (p, Layout: g.Second)));
        var theirs = rows._parameter_groups.SelectMany(g => g.Parameters);
        using var _ = TorchSharp.torch.no_grad();
        foreach (var ((p, layout), row) in mine.Zip(theirs))
        {
            var (state, rowState) = ((State)_state[p.Handle], (State)rows._state[row.Handle]);
            rowState.step = state.step;
            using (var avg = layout.Row(state.exp_avg, k)) rowState.exp_avg.copy_(avg);
            using (var avgSq = layout.Row(state.exp_avg_sq, k)) rowState.exp_avg_sq.copy_(avgSq);
        }
        return rows;
    }

    private static bool Fusable(TorchSharp.Modules.ParamGroup group) =>
        group.Options is Options { amsgrad: false, maximize: false } &&
        group.Parameters.All(p => p.device_type == TorchSharp.DeviceType.CUDA && p.dtype == ScalarType.Float32 && p.is_contiguous());
}
