using System.Runtime.InteropServices;
using TorchSharp;

namespace ScaleLab.Workers.Infrastructure;

/// <summary>
/// Routes TorchSharp's calls into libLibTorchSharp.so through libscalelab_scalars.so (native/scalar_lifetime.c), which
/// frees disposed Scalars late. TorchSharp 0.107 passes temporary Scalars to libtorch without keeping them alive, so
/// without it a garbage collection can free one mid-call: runs then fail with "INTERNAL ASSERT FAILED at
/// c10/core/Scalar.h" or the process dies (seen with 8 runs in one worker on the H200; bench/scalar-lifetime.sh shows
/// it on the CPU in seconds). Must run before the first call into TorchSharp; a no-op where the library was not built.
/// </summary>
public static class ScalarLifetime
{
    private static int _installing;

    /// <summary>Whether TorchSharp's calls go through the library.</summary>
    public static bool Installed { get; private set; }

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installing, 1) == 1) return;
        var library = Path.Combine(AppContext.BaseDirectory, "libscalelab_scalars.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(library) || Environment.GetEnvironmentVariable("SCALELAB_SCALAR_SHIM") == "off") return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(torch).Assembly,
                (name, _, _) => name == "LibTorchSharp" ? NativeLibrary.Load(library) : IntPtr.Zero);
            Installed = true;
        }
        catch (InvalidOperationException)
        {
            // Another resolver was set first; TorchSharp then loads as it always did.
        }
    }
}
