using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training;

/// <summary>
/// A micro-batch's forward and backward, as a trainer runs it: eagerly for the first steps, then, on CUDA with the
/// native library and graphs enabled, replayed from a CUDA graph captured once lazy initialisation (cuBLAS, caches) is
/// done. Should capture fail, this run and every later one of the process stay eager.
/// </summary>
/// <param name="lossOf">Forward and loss of a micro-batch: a scalar, or one loss per packed model (K); backward runs on its sum.</param>
/// <param name="startStep">The first step of this training (a resumed run captures a few steps after it too).</param>
public sealed class ForwardBackward(Func<Tensor, Tensor, Tensor> lossOf, Device device, int startStep) : IDisposable
{
    /// <summary>Eager steps before a step is captured as a CUDA graph: lazy initialisation happens outside it.</summary>
    public const int EagerStepsBeforeCapture = 3;

    private bool _capture = device.type == DeviceType.CUDA && Native.NativeOps.Available && Native.NativeOps.UseCudaGraphs;
    private Native.CudaGraph? _graph;

    /// <summary>How the steps ran: "eager", or "cuda graph" once one micro-batch's forward and backward were captured; why not, if capture failed.</summary>
    public string Engine { get; private set; } = "eager";

    /// <summary>Adds the micro-batch's gradients to the gradient buffers.</summary>
    /// <returns>Its loss, detached: read it only at a log interval (a device sync).</returns>
    public Tensor Run(int step, Tensor input, Tensor target)
    {
        if (_capture && _graph is null && step >= startStep + EagerStepsBeforeCapture)
        {
            try
            {
                _graph = Native.CudaGraph.Capture(input, target, lossOf);
                Engine = "cuda graph";
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed capture may leave libtorch's allocator routing to the graph's pool: no run of this process
                // captures again.
                Native.NativeOps.DisableCudaGraphs();
                (_capture, Engine) = (false, $"eager (capture failed: {ex.Message.Split('\n')[0]})");
            }
        }
        if (_graph is not null) return _graph.Replay(input, target);
        var loss = lossOf(input, target);
        loss.sum().backward();
        return loss.detach();
    }

    /// <summary>Gives back the graph's memory pool, also when a run is cancelled or fails.</summary>
    public void Dispose() => _graph?.Dispose();
}
