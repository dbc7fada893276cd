using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Native;

/// <summary>
/// One micro-batch's forward and backward, captured once as a CUDA graph and replayed each step: a small model's
/// step is hundreds of kernel launches whose host cost exceeds their GPU time, and a replay is one launch. The graph
/// reads its batch from static tensors and accumulates into the model's gradient buffers, which never move
/// (<see cref="MixedPrecision"/> holds them flat); the optimizer runs outside, eagerly.
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private readonly IntPtr _graph;
    private readonly Tensor _input, _target;

    /// <summary>
    /// The captured micro-batch loss (already divided by the micro-batch count), rewritten by each replay: a scalar, or
    /// one per model of a packed model (K).
    /// </summary>
    public Tensor Loss { get; }

    private CudaGraph(IntPtr graph, Tensor input, Tensor target, Tensor loss) => (_graph, _input, _target, Loss) = (graph, input, target, loss);

    /// <summary>
    /// Captures <paramref name="lossOf"/> (forward, loss) and the backward of its sum (the loss itself, or the sum of
    /// independent packed models' losses) on copies of the given batch. Nothing runs during capture: replay it to
    /// compute this micro-batch.
    /// </summary>
    public static CudaGraph Capture(Tensor input, Tensor target, Func<Tensor, Tensor, Tensor> lossOf)
    {
        var staticInput = input.clone().DetachFromDisposeScope();
        var staticTarget = target.clone().DetachFromDisposeScope();
        var graph = NativeOps.CreateGraph();
        Tensor? loss = null;
        Exception? failure = null;
        try
        {
            NativeOps.CaptureBegin(graph);
            try
            {
                using var scope = NewDisposeScope();   // intermediates stay in the graph's private memory pool
                var captured = lossOf(staticInput, staticTarget);
                captured.sum().backward();
                loss = captured.detach().MoveToOuterDisposeScope();
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
            loss?.Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return new CudaGraph(graph, staticInput, staticTarget, loss!.DetachFromDisposeScope());
    }

    /// <summary>Forward and backward of this micro-batch: its gradients are added to the gradient buffers.</summary>
    public Tensor Replay(Tensor input, Tensor target)
    {
        _input.copy_(input);
        _target.copy_(target);
        NativeOps.Replay(_graph);
        return Loss;
    }

    public void Dispose()
    {
        NativeOps.DestroyGraph(_graph);
        _input.Dispose();
        _target.Dispose();
        Loss.Dispose();
    }
}
