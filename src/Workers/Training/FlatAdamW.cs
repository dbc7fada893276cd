using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019, PyTorch's formulation: decoupled decay, bias-corrected moments) over the flat
/// parameter buffers of <see cref="MixedPrecision"/>, with its step count and learning rate kept on the device. So a
/// step reads nothing from the host and can be captured in a CUDA graph (TorchSharp's AdamW keeps both on the host:
/// captured, it would replay its first step's values forever). The trainer does not capture it yet: a whole-step
/// graph with it replayed differently from the eager step on the H200 (docs/engine.md), so it runs eagerly.
/// </summary>
public sealed class FlatAdamW : IDisposable
{
    public const double Beta1 = 0.9, Beta2 = 0.95, Epsilon = 1e-8;

    /// <summary>optimizer.bin's first bytes: checkpoints of TorchSharp's AdamW (before this class) do not have them.</summary>
    private const string Format = "scalelab-flat-adamw/1";

    private readonly (Parameter Weights, double WeightDecay, Tensor Mean, Tensor Variance)[] _groups;
    private readonly Tensor _step;

    /// <param name="groups">Each flat buffer with its weight decay.</param>
    public FlatAdamW(IReadOnlyList<(Parameter Weights, double WeightDecay)> groups, double learningRate)
    {
        _groups = groups.Select(g => (g.Weights, g.WeightDecay, zeros_like(g.Weights), zeros_like(g.Weights))).ToArray();
        var device = groups[0].Weights.device;
        _step = zeros(1, dtype: float32, device: device);
        LearningRate = full(1, learningRate, dtype: float32, device: device);
    }

    /// <summary>The learning rate the next step uses: a device tensor, set between steps with <see cref="SetLearningRate"/>.</summary>
    public Tensor LearningRate { get; }

    public void SetLearningRate(double value) => LearningRate.fill_(value);

    /// <summary>One update from the buffers' gradients; every quantity stays on the device.</summary>
    public void Step()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        _step.add_(1);
        var stepSize = LearningRate / (1 - (_step * Math.Log(Beta1)).exp());           // lr / (1 − β1^t)
        var varianceCorrection = (1 - (_step * Math.Log(Beta2)).exp()).sqrt();          // √(1 − β2^t)
        foreach (var (weights, decay, mean, variance) in _groups)
        {
            var gradient = weights.grad!;
            if (decay > 0) weights.mul_(1 - LearningRate * decay);
            mean.mul_(Beta1).add_(gradient, alpha: 1 - Beta1);
            variance.mul_(Beta2).addcmul_(gradient, gradient, value: 1 - Beta2);
            var denominator = (variance.sqrt() / varianceCorrection).add_(Epsilon);
            weights.sub_(mean / denominator * stepSize);
        }
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(Format);
        writer.Write(_step.cpu().item<float>());
        writer.Write(_groups.Length);
        foreach (var (_, _, mean, variance) in _groups)
            foreach (var moment in new[] { mean, variance })
            {
                var bytes = moment.cpu().bytes;
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
    }

    public void Load(BinaryReader reader)
    {
        string format;
        try { format = reader.ReadString(); }
        catch (EndOfStreamException) { format = ""; }
        if (format != Format) throw new InvalidDataException("the checkpoint's optimizer state is not in this engine's format (written before FlatAdamW); start the run again");
        _step.fill_(reader.ReadSingle());
        if (reader.ReadInt32() != _groups.Length) throw new InvalidDataException("the checkpoint has another number of parameter groups");
        foreach (var (_, _, mean, variance) in _groups)
            foreach (var moment in new[] { mean, variance })
            {
                var bytes = reader.ReadBytes(reader.ReadInt32());
                using var cpu = moment.cpu().clone();
                if (bytes.Length != cpu.bytes.Length) throw new InvalidDataException("the checkpoint's optimizer state has another size than the model");
                cpu.bytes = bytes;
                moment.copy_(cpu);
            }
    }

    public void Dispose()
    {
        foreach (var (_, _, mean, variance) in _groups)
        {
            mean.Dispose();
            variance.Dispose();
        }
        _step.Dispose();
        LearningRate.Dispose();
    }
}
