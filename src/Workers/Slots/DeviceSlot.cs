using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Slots;

/// <summary>A device this worker trains on: one per GPU, or CPU slots where there is none.</summary>
public sealed record DeviceSlot(string Kind, int Index, string Name, long MemoryBytes)
{
    public Device Device => Kind == "cuda" ? new Device(DeviceType.CUDA, Index) : CPU;

    public static IReadOnlyList<DeviceSlot> Discover(int cpuSlots)
    {
        if (cuda.is_available())
            return Enumerable.Range(0, cuda.device_count()).Select(i => new DeviceSlot("cuda", i, $"CUDA device {i}", 0)).ToList();
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Enumerable.Range(0, Math.Max(1, cpuSlots))
            .Select(i => new DeviceSlot("cpu", i, $"CPU ({Environment.ProcessorCount} cores)", memory)).ToList();
    }
}
