using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Native;

/// <summary>
/// ScaleLab's native library (native/scalelab_native.cpp, built on a GPU machine by infra/gpu/build-native.sh): ATen's
/// fused RMSNorm and CUDA graph capture, which TorchSharp 0.107 lacks, called on TorchSharp's tensor handles. Loaded
/// once per process from Torch:NativeOpsPath; without it the engine runs its managed path (CPU always does).
/// </summary>
public static class NativeOps
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr LastError();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr RmsNormOp(IntPtr x, IntPtr weight, double eps);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr GraphCreate();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GraphOp(IntPtr graph);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void GraphDestroy(IntPtr graph);

    private static LastError? _lastError;
    private static RmsNormOp? _rmsNorm;
    private static GraphCreate? _graphCreate;
    private static GraphOp? _captureBegin, _captureEnd, _replay;
    private static GraphDestroy? _graphDestroy;

    /// <summary>Whether the library is loaded: CUDA tensors then take the native path.</summary>
    public static bool Available { get; private set; }

    /// <summary>Whether CUDA runs capture their step as a graph (Torch:CudaGraphs, default true).</summary>
    public static bool UseCudaGraphs { get; private set; }

    public static void Load(string path, bool useCudaGraphs)
    {
        UseCudaGraphs = useCudaGraphs;
        var library = NativeLibrary.Load(path);
        T Export<T>(string name) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));
        _lastError = Export<LastError>("sl_last_error");
        _rmsNorm = Export<RmsNormOp>("sl_rms_norm");
        _graphCreate = Export<GraphCreate>("sl_graph_create");
        _captureBegin = Export<GraphOp>("sl_graph_capture_begin");
        _captureEnd = Export<GraphOp>("sl_graph_capture_end");
        _replay = Export<GraphOp>("sl_graph_replay");
        _graphDestroy = Export<GraphDestroy>("sl_graph_destroy");
        Available = true;
    }

    /// <summary>x / rms(x) · weight over the last dimension, statistics in fp32 (ATen's fused kernel; differentiable).</summary>
    public static Tensor RmsNorm(Tensor x, Tensor weight, double eps) => Tensor.UnsafeCreateTensor(Check(_rmsNorm!(x.Handle, weight.Handle, eps)));

    internal static IntPtr CreateGraph() => Check(_graphCreate!());
    internal static void CaptureBegin(IntPtr graph) => Check(_captureBegin!(graph));
    internal static void CaptureEnd(IntPtr graph) => Check(_captureEnd!(graph));
    internal static void Replay(IntPtr graph) => Check(_replay!(graph));
    internal static void DestroyGraph(IntPtr graph) => _graphDestroy!(graph);

    private static IntPtr Check(IntPtr result) => result != IntPtr.Zero ? result : throw Failure();

    private static void Check(int status)
    {
        if (status != 0) throw Failure();
    }

    private static ExternalException Failure() =>
        new($"scalelab_native: {Marshal.PtrToStringUTF8(_lastError!()) ?? "unknown error"}");
}
