using ScaleLab.Workers.Training.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>The training loss of a language model: what <see cref="Trainer"/> and the packed trainer both minimise.</summary>
public static class TokenLoss
{
    /// <summary>
    /// Mean cross-entropy over the scored positions, computed in fp32 whatever the logits' precision: on CUDA with the
    /// native library by a fused kernel that reads the logits as they are, otherwise from an fp32 copy.
    /// </summary>
    /// <param name="logits">(..., V) logits.</param>
    /// <param name="target">Targets of the same leading shape, <see cref="ITrainingTask.Ignore"/> where not scored.</param>
    public static Tensor Mean(Tensor logits, Tensor target)
    {
        var vocab = logits.shape[^1];
        return Native.NativeOps.Available && logits.device_type == DeviceType.CUDA
            ? Native.NativeOps.CrossEntropy(logits.view(-1, vocab), target.view(-1), ITrainingTask.Ignore)
            : nn.functional.cross_entropy(logits.view(-1, vocab).to(float32), target.view(-1), ignore_index: ITrainingTask.Ignore);
    }
}
