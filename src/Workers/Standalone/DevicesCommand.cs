using System.CommandLine;
using System.Text.Json;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Slots;

namespace ScaleLab.Workers.Standalone;

/// <summary>
/// `devices`: the slots this machine would offer the scheduler as a worker (Worker:RunsPerGpu, Worker:CpuSlots), with
/// each one's device name and memory, as JSON lines. What an operator checks before joining a machine to the cluster,
/// and what tests/gpu checks without nvidia-smi.
/// </summary>
public static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command("devices", "Print the slots this machine would offer as a worker: device, name, memory");
        command.SetAction(_ =>
        {
            var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            TorchRuntime.Initialize(settings);
            foreach (var slot in DeviceSlot.Discover(settings.GetValue("Worker:CpuSlots", 1), settings.GetValue("Worker:RunsPerGpu", 1)))
                Console.WriteLine(JsonSerializer.Serialize(new { slot.Kind, slot.Index, slot.Share, slot.Name, slot.MemoryBytes }, JsonSerializerOptions.Web));
            return 0;
        });
        return command;
    }
}
