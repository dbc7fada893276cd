using ScaleLab.Workers.Slots;

namespace ScaleLab.Workers.Tests;

/// <summary>What a worker offers the scheduler for its GPUs (the CUDA calls themselves run in tests/gpu).</summary>
public class DeviceSlotTests
{
    private const long H200 = 143_771L * 1024 * 1024;

    [Fact]
    public void Without_nvidia_smi_each_gpu_takes_its_memory_from_cuda_and_shares_it_between_its_slots()
    {
        var asked = new List<int>();
        var slots = DeviceSlot.GpuSlots(2, described: [], i => { asked.Add(i); return H200 + i; }, runsPerGpu: 8);

        Assert.Equal(16, slots.Count);
        Assert.Equal([0, 1], asked);
        Assert.All(slots, s => Assert.Equal("cuda", s.Kind));
        Assert.Equal((H200 + 1) / 8, Assert.Single(slots, s => s.Index == 1 && s.Share == 7).MemoryBytes);
        Assert.Equal(Enumerable.Range(0, 8), slots.Where(s => s.Index == 0).Select(s => s.Share));
        Assert.Equal("CUDA device 1", slots[^1].Name);
    }

    [Fact]
    public void Nvidia_smi_names_the_gpus_and_cuda_fills_in_a_memory_it_could_not_read()
    {
        var described = new[] { new DeviceSlot("cuda", 0, "NVIDIA H200", H200), new DeviceSlot("cuda", 1, "NVIDIA H200", 0) };
        var asked = new List<int>();

        var slots = DeviceSlot.GpuSlots(2, described, i => { asked.Add(i); return H200; }, runsPerGpu: 1);

        Assert.Equal([1], asked);   // only where nvidia-smi gave no memory
        Assert.All(slots, s => Assert.Equal(("NVIDIA H200", H200), (s.Name, s.MemoryBytes)));
    }
}
