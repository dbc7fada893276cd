using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Native;

/// <summary>
/// The whole training step, captured once as a CUDA graph and replayed every step: a small model's step is hundreds
/// of kernel launches whose host cost exceeds their GPU time, and a replay is one launch. The graph reads its batch
/// from static tensors and works on tensors that never move: the flat weight, gradient and moment buffers
/// (<see cref="MixedPrecision"/>, <see cref="FlatAdamW"/>), whose step count and learning rate live on the device,
/// and the loss and gradient-norm accumulators.
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private readonly IntPtr _graph;
    private readonly Tensor _input, _target;

    private CudaGraph(IntPtr graph, Tensor input, Tensor target) => (_graph, _input, _target) = (graph, input, target);

    /// <summary>Captures <paramref name="step"/> on copies of the given batch. Nothing runs during capture: replay it to take this step.</summary>
    public static CudaGraph Capture(Tensor input, Tensor target, Action<Tensor, Tensor> step)
    {
        var staticInput = input.clone().DetachFromDisposeScope();
        var staticTarget = target.clone().DetachFromDisposeScope();
        var graph = NativeOps.CreateGraph();
        Exception? failure = null;
        try
        {
            NativeOps.CaptureBegin(graph);
            try
            {
                using var scope = NewDisposeScope();   // intermediates stay in the graph's private memory pool
                step(staticInput, staticTarget);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            try
            {
                NativeOps.CaptureEnd(graph);
            }
            catch (Exception ex) when (failure is null)
            {
                failure = ex;   // the first failure is the cause; ending a broken capture fails too
            }
        }
        catch (Exception ex) when (failure is null)
        {
            failure = ex;
        }
        if (failure is not null)
        {
            NativeOps.DestroyGraph(graph);
            staticInput.Dispose();
            staticTarget.Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return new CudaGraph(graph, staticInput, staticTarget);
    }

    /// <summary>Takes one step on this batch.</summary>
    public void Replay(Tensor input, Tensor target)
    {
        _input.copy_(input);
        _target.copy_(target);
        NativeOps.Replay(_graph);
    }

    public void Dispose()
    {
        NativeOps.DestroyGraph(_graph);
        _input.Dispose();
        _target.Dispose();
    }
}
