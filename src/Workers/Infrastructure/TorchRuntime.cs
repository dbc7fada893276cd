using System.Runtime.InteropServices;
using TorchSharp;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// Prepares libtorch before first use. Torch:NativeLibraryPath (env Torch__NativeLibraryPath) names a folder
/// with a CUDA-enabled libtorch (e.g. the lib folder of a PyTorch wheel); without it the CPU libtorch shipped with
/// the worker is used. Torch:NativeOpsPath names ScaleLab's native library built against that libtorch
/// (infra/gpu/build-native.sh): fused RMSNorm and CUDA graphs (Torch:CudaGraphs=false turns graphs off).
/// Torch:Threads sets intra-op threads (default: all cores).
/// </summary>
public static class TorchRuntime
{
    private static readonly string[] CudaLibraries = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    public static void Initialize(IConfiguration configuration)
    {
        var nativePath = configuration["Torch:NativeLibraryPath"];
        if (!string.IsNullOrWhiteSpace(nativePath))
        {
            foreach (var library in CudaLibraries) NativeLibrary.Load(Path.Combine(nativePath, library));
            NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"));
            torch.InitializeDeviceType(DeviceType.CUDA);
            if (configuration["Torch:NativeOpsPath"] is { Length: > 0 } ops)
                Training.Native.NativeOps.Load(ops, configuration.GetValue("Torch:CudaGraphs", true));
        }
        var threads = configuration.GetValue("Torch:Threads", Environment.ProcessorCount);
        torch.set_num_threads(Math.Max(1, threads));
    }
}
