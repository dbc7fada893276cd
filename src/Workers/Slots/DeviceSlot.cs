using ScaleLab.Runs;
using ScaleLab.Scheduling;
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Slots;

/// <summary>
/// A slot this worker trains in: one per GPU, or Worker:RunsPerGpu per GPU, each with that share of its memory
/// (<see cref="Share"/> numbers them; the scheduler admits a run to a slot by its memory estimate), or CPU slots where
/// there is no GPU. Name and memory come from nvidia-smi, else from CUDA through the native library.
/// </summary>
public sealed record DeviceSlot(string Kind, int Index, string Name, long MemoryBytes, int Share = 0)
{
    public Device Device => Kind == DeviceKinds.Cuda ? new Device(DeviceType.CUDA, Index) : CPU;

    /// <summary>
    /// Dense peak FLOP/s of this device at a precision ("bf16", "tf32", "fp32"), from the vendor's data sheet, for MFU;
    /// null where unknown (CPUs, unlisted GPUs). Torch:PeakTflops overrides it.
    /// </summary>
    public double? PeakFlops(string precision, double? overrideTflops = null)
    {
        if (overrideTflops is > 0) return overrideTflops * 1e12;
        if (Kind != DeviceKinds.Cuda) return null;
        (double Bf16, double Tf32, double Fp32)? peak =
            Name.Contains("H100", StringComparison.OrdinalIgnoreCase) || Name.Contains("H200", StringComparison.OrdinalIgnoreCase)
                ? (989.4e12, 494.7e12, 66.9e12)                                        // SXM data sheet, dense
                : Name.Contains("A100", StringComparison.OrdinalIgnoreCase) ? (312e12, 156e12, 19.5e12) : null;
        return peak is not { } p ? null : precision switch { Precisions.Bf16 => p.Bf16, Precisions.Tf32 => p.Tf32, _ => p.Fp32 };
    }

    public static IReadOnlyList<DeviceSlot> Discover(int cpuSlots, int runsPerGpu = 1)
    {
        if (cuda.is_available()) return GpuSlots(cuda.device_count(), DescribeGpus(), CudaMemory, runsPerGpu);
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Enumerable.Range(0, Math.Max(1, cpuSlots))
            .Select(i => new DeviceSlot(DeviceKinds.Cpu, i, $"CPU ({Environment.ProcessorCount} cores)", memory)).ToList();
    }

    /// <summary>
    /// The slots of <paramref name="count"/> GPUs: each GPU as nvidia-smi described it, else (no nvidia-smi, as in
    /// many containers) by its CUDA index with the memory CUDA reports; then split into <paramref name="runsPerGpu"/>
    /// slots, each with that share of the memory. A GPU of unknown memory (0) would let the scheduler admit any run.
    /// </summary>
    public static IReadOnlyList<DeviceSlot> GpuSlots(int count, IReadOnlyList<DeviceSlot> described, Func<int, long> cudaMemory, int runsPerGpu)
    {
        var shares = Math.Max(1, runsPerGpu);
        return Enumerable.Range(0, count)
            .Select(i => described.Count > i && described[i].MemoryBytes > 0 ? described[i] with { Index = i }
                : new DeviceSlot(DeviceKinds.Cuda, i, described.Count > i ? described[i].Name : $"CUDA device {i}", cudaMemory(i)))
            .SelectMany(gpu => Enumerable.Range(0, shares).Select(share => gpu with { MemoryBytes = gpu.MemoryBytes / shares, Share = share }))
            .ToList();
    }

    /// <summary>A GPU's memory as CUDA reports it (through the native library); 0 where it is not loaded.</summary>
    private static long CudaMemory(int index) => Training.Native.NativeOps.Available ? Training.Native.NativeOps.DeviceMemory(index).Total : 0;

    /// <summary>Names and memory of the GPUs in CUDA order, or none when nvidia-smi is absent or fails.</summary>
    private static List<DeviceSlot> DescribeGpus()
    {
        try
        {
            using var smi = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total --format=csv,noheader,nounits")
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var lines = smi.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            smi.WaitForExit(10_000);
            return lines.Select((line, i) =>
            {
                var parts = line.Split(',', StringSplitOptions.TrimEntries);
                var mib = parts.Length > 1 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : 0;
                return new DeviceSlot(DeviceKinds.Cuda, i, parts[0], mib * 1024 * 1024);
            }).ToList();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return [];
        }
    }
}
