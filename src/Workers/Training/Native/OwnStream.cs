using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Native;

/// <summary>
/// Runs a training on a CUDA stream of the calling thread's own, created before any of its work: trainings in other
/// slots of the GPU overlap with it, and a CUDA graph can be captured on it (capture needs a non-default stream).
/// The stream is released (after waiting for it) when the training ends, so other threads may then read its weights.
/// </summary>
public static class OwnStream
{
    public static T Run<T>(Device device, Func<T> training)
    {
        if (device.type != DeviceType.CUDA || !NativeOps.Available) return training();
        NativeOps.UseOwnStream(device.index);
        try
        {
            return training();
        }
        finally
        {
            NativeOps.ReleaseOwnStream();
        }
    }
}
