using Orleans.Runtime;

namespace ScaleLab.Workers.Slots;

/// <summary>This silo's device slots by slot id (the id embeds the silo address, see WorkerSlotId).</summary>
public sealed class LocalSlots(ILocalSiloDetails silo, IConfiguration configuration)
{
    private IReadOnlyDictionary<string, DeviceSlot>? _slots;

    public IReadOnlyDictionary<string, DeviceSlot> All => _slots ??= DeviceSlot
        .Discover(configuration.GetValue("Worker:CpuSlots", 1), configuration.GetValue("Worker:RunsPerGpu", 1))
        .ToDictionary(d => WorkerSlotId.Create(silo.SiloAddress, d.Kind, d.Index, d.Share), d => d);
}
