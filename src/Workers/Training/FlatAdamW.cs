using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter 2019, PyTorch's formulation: decoupled decay, bias-corrected moments) over the flat
/// parameter buffers of <see cref="MixedPrecision"/>, with its step count and learning rate kept on the device, so a
/// step reads nothing from the host (as a CUDA graph of the whole step would need).
/// </summary>
/// <remarks>
/// Why not TorchSharp's AdamW: it passes every constant (β, 1 − β, lr·wd, ε) as an implicit <see cref="Scalar"/>, a
/// temporary that TorchSharp hands to libtorch by its raw handle without keeping it alive. The garbage collector may
/// finalize it, freeing the native scalar, while libtorch still reads it; with several runs in one worker (more
/// collections) this failed runs on the H200 with "INTERNAL ASSERT FAILED at c10/core/Scalar.h". Here every scalar is
/// a field that lives as long as the optimizer.
/// </remarks>
public sealed class FlatAdamW : IDisposable
{
    public const double Beta1 = 0.9, Beta2 = 0.95, Epsilon = 1e-8;

    /// <summary>optimizer.bin's first bytes: checkpoints of TorchSharp's AdamW (before this class) do not have them.</summary>
    private const string Format = "scalelab-flat-adamw/1";

    private readonly (Parameter Weights, Scalar? NegativeDecay, Tensor Mean, Tensor Variance)[] _groups;
    private readonly Tensor _step;
    private readonly Scalar _one = 1.0.ToScalar(), _beta1 = Beta1.ToScalar(), _beta2 = Beta2.ToScalar(),
        _oneMinusBeta1 = (1 - Beta1).ToScalar(), _oneMinusBeta2 = (1 - Beta2).ToScalar(), _epsilon = Epsilon.ToScalar(),
        _logBeta1 = Math.Log(Beta1).ToScalar(), _logBeta2 = Math.Log(Beta2).ToScalar();

    /// <param name="groups">Each flat buffer with its weight decay.</param>
    public FlatAdamW(IReadOnlyList<(Parameter Weights, double WeightDecay)> groups, double learningRate)
    {
        _groups = groups.Select(g => (g.Weights, g.WeightDecay > 0 ? (-g.WeightDecay).ToScalar() : null,
            zeros_like(g.Weights), zeros_like(g.Weights))).ToArray();
        var device = groups[0].Weights.device;
        _step = zeros(1, dtype: float32, device: device);
        LearningRate = zeros(1, dtype: float32, device: device);
        SetLearningRate(learningRate);
    }

    /// <summary>The learning rate the next step uses: a device tensor, set between steps with <see cref="SetLearningRate"/>.</summary>
    public Tensor LearningRate { get; }

    public void SetLearningRate(double value)
    {
        using var rate = value.ToScalar();   // disposed after the call, so alive during it
        LearningRate.fill_(rate);
    }

    /// <summary>One update from the buffers' gradients; every quantity stays on the device.</summary>
    public void Step()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        _step.add_(_one);
        var stepSize = LearningRate.div(_step.mul(_logBeta1).exp_().neg_().add_(_one));          // lr / (1 − β1^t)
        var varianceCorrection = _step.mul(_logBeta2).exp_().neg_().add_(_one).sqrt_();           // √(1 − β2^t)
        foreach (var (weights, negativeDecay, mean, variance) in _groups)
        {
            var gradient = weights.grad!;
            if (negativeDecay is not null) weights.mul_(LearningRate.mul(negativeDecay).add_(_one)); // 1 − lr·wd
            mean.mul_(_beta1).add_(gradient, alpha: _oneMinusBeta1);
            variance.mul_(_beta2).addcmul_(gradient, gradient, value: _oneMinusBeta2);
            var denominator = variance.sqrt().div_(varianceCorrection).add_(_epsilon);
            weights.sub_(mean.div(denominator).mul_(stepSize));
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
        if (format != Format)
            throw new InvalidDataException("the checkpoint's optimizer state is not in this engine's format (written before FlatAdamW); start the run again");
        using (var step = reader.ReadSingle().ToScalar()) _step.fill_(step);
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
        foreach (var (_, negativeDecay, mean, variance) in _groups)
        {
            negativeDecay?.Dispose();
            mean.Dispose();
            variance.Dispose();
        }
        _step.Dispose();
        LearningRate.Dispose();
        foreach (var scalar in new[] { _one, _beta1, _beta2, _oneMinusBeta1, _oneMinusBeta2, _epsilon, _logBeta1, _logBeta2 })
            scalar.Dispose();
    }
}
