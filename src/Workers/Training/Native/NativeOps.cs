using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Training.Native;

/// <summary>
/// ScaleLab's native library (native/scalelab_native.cpp, built on a GPU machine by infra/gpu/build-native.sh): ATen's
/// fused RMSNorm, ScaleLab's fused kernels (cross-entropy, SwiGLU, rotary embedding, AdamW: native/scalelab_kernels.cu; the chunked recurrence of
/// GLA, Mamba-2 and linear attention: native/chunk_kernels.cu) and
/// CUDA graph capture, which TorchSharp 0.107 lacks, called on TorchSharp's tensor handles. Loaded once per process
/// from Torch:NativeOpsPath; without it the engine runs its managed path (CPU always does).
/// </summary>
public static class NativeOps
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr LastError();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr RmsNormOp(IntPtr x, IntPtr weight, double eps);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr CrossEntropyOp(IntPtr logits, IntPtr target, long ignore);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr BinaryOp(IntPtr a, IntPtr b);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr RotaryOp(IntPtr x, IntPtr cos, IntPtr sin);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr RecurrenceOp(IntPtr q, IntPtr k, IntPtr v, IntPtr logDecay, long chunk);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int AdamWOp(IntPtr param, IntPtr grad, IntPtr expAvg, IntPtr expAvgSq, double lr, double beta1, double beta2, double eps, double weightDecay, long step);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr GraphCreate();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int GraphOp(IntPtr graph);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void GraphDestroy(IntPtr graph);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int UseOwnStreamOp(int device);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int StatusOp();
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate int DeviceMemoryOp(int device, out long free, out long total);

    private static LastError? _lastError;
    private static RmsNormOp? _rmsNorm;
    private static CrossEntropyOp? _crossEntropy;
    private static BinaryOp? _swiGlu;
    private static RotaryOp? _rotary;
    private static AdamWOp? _adamW;
    private static RecurrenceOp? _chunkedRecurrence;
    private static GraphCreate? _graphCreate;
    private static GraphOp? _captureBegin, _captureEnd, _replay;
    private static GraphDestroy? _graphDestroy;
    private static UseOwnStreamOp? _useOwnStream;
    private static StatusOp? _releaseOwnStream;
    private static DeviceMemoryOp? _deviceMemory;

    /// <summary>Whether the library is loaded: CUDA tensors then take the native path.</summary>
    public static bool Available { get; private set; }

    /// <summary>Whether CUDA runs capture their step as a graph (Torch:CudaGraphs, default true; off after a failed capture).</summary>
    public static bool UseCudaGraphs { get; private set; }

    public static void DisableCudaGraphs() => UseCudaGraphs = false;

    public static void Load(string path, bool useCudaGraphs)
    {
        UseCudaGraphs = useCudaGraphs;
        var library = NativeLibrary.Load(path);
        T Export<T>(string name) where T : Delegate => Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, name));
        _lastError = Export<LastError>("sl_last_error");
        _rmsNorm = Export<RmsNormOp>("sl_rms_norm");
        _crossEntropy = Export<CrossEntropyOp>("sl_cross_entropy");
        _swiGlu = Export<BinaryOp>("sl_swiglu");
        _rotary = Export<RotaryOp>("sl_rotary");
        _adamW = Export<AdamWOp>("sl_adamw");
        _chunkedRecurrence = Export<RecurrenceOp>("sl_chunked_recurrence");
        _graphCreate = Export<GraphCreate>("sl_graph_create");
        _captureBegin = Export<GraphOp>("sl_graph_capture_begin");
        _captureEnd = Export<GraphOp>("sl_graph_capture_end");
        _replay = Export<GraphOp>("sl_graph_replay");
        _graphDestroy = Export<GraphDestroy>("sl_graph_destroy");
        _useOwnStream = Export<UseOwnStreamOp>("sl_use_own_stream");
        _releaseOwnStream = Export<StatusOp>("sl_release_own_stream");
        _deviceMemory = Export<DeviceMemoryOp>("sl_device_memory");
        Available = true;
    }

    /// <summary>x / rms(x) · weight over the last dimension, statistics in fp32 (ATen's fused kernel; differentiable).</summary>
    public static Tensor RmsNorm(Tensor x, Tensor weight, double eps) => Tensor.UnsafeCreateTensor(Check(_rmsNorm!(x.Handle, weight.Handle, eps)));

    /// <summary>
    /// Mean cross-entropy of (N, V) logits in their own precision against N class indices, rows whose target is
    /// <paramref name="ignore"/> left out; fp32 arithmetic, and no fp32 copy of the logits either way.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, long ignore) =>
        Tensor.UnsafeCreateTensor(Check(_crossEntropy!(logits.Handle, target.Handle, ignore)));

    /// <summary>silu(a) · b in one kernel each way.</summary>
    public static Tensor SwiGlu(Tensor a, Tensor b) => Tensor.UnsafeCreateTensor(Check(_swiGlu!(a.Handle, b.Handle)));

    /// <summary>
    /// (B, H, T, hs) queries or keys, any strides, rotated by fp32 tables (T, hs/2) in one kernel each way. The result
    /// is a (B, H, T, hs) view of a contiguous (B, T, H, hs) tensor.
    /// </summary>
    public static Tensor Rotary(Tensor x, Tensor cos, Tensor sin) => Tensor.UnsafeCreateTensor(Check(_rotary!(x.Handle, cos.Handle, sin.Handle)));

    /// <summary>
    /// The chunked linear recurrence of <see cref="Mixers.LinearRecurrence.Chunked"/> (same arguments, same function):
    /// cuBLAS products, and fused kernels for the per-chunk decays and for the states carried between chunks (a scan,
    /// where the managed form builds an (n x n) decay matrix). Differentiable.
    /// </summary>
    public static Tensor ChunkedRecurrence(Tensor q, Tensor k, Tensor v, Tensor? logDecay, long chunk) =>
        Tensor.UnsafeCreateTensor(Check(_chunkedRecurrence!(q.Handle, k.Handle, v.Handle, logDecay?.Handle ?? IntPtr.Zero, chunk)));

    /// <summary>One AdamW step (TorchSharp's update; <paramref name="step"/> counts from 1) of an fp32 CUDA parameter, in place, in one kernel.</summary>
    public static void AdamW(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, double lr, double beta1, double beta2, double eps, double weightDecay, long step) =>
        Check(_adamW!(param.Handle, grad.Handle, expAvg.Handle, expAvgSq.Handle, lr, beta1, beta2, eps, weightDecay, step));

    /// <summary>
    /// Makes the device current for the calling thread and gives the thread a CUDA stream of its own there: a run's
    /// work then overlaps other runs' on the same GPU. <see cref="ReleaseOwnStream"/> waits for it and ends it.
    /// </summary>
    public static void UseOwnStream(int device) => Check(_useOwnStream!(device));

    public static void ReleaseOwnStream() => Check(_releaseOwnStream!());

    /// <summary>Free and total bytes of a GPU, from CUDA (for machines without nvidia-smi).</summary>
    public static (long Free, long Total) DeviceMemory(int device)
    {
        Check(_deviceMemory!(device, out var free, out var total));
        return (free, total);
    }

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
