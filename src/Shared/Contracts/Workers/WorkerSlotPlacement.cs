using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace ScaleLab.Workers;

/// <summary>Places a worker grain on the silo named in its key (see <see cref="WorkerSlotId"/>), never elsewhere.</summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Workers.WorkerSlotPlacementStrategy")]
public sealed class WorkerSlotPlacementStrategy : PlacementStrategy
{
    public static WorkerSlotPlacementStrategy Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WorkerSlotPlacementAttribute() : PlacementAttribute(WorkerSlotPlacementStrategy.Instance);

/// <summary>Registered on every silo: whichever silo first calls a slot's grain must place it on the slot's own silo.</summary>
public sealed class WorkerSlotPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        if (!WorkerSlotId.TryGetSilo(key, out var silo))
            throw new OrleansException($"'{key}' is not a worker slot id");
        if (!context.GetCompatibleSilos(target).Contains(silo!))
            throw new OrleansException($"Worker slot {key} is not available: its silo is not an active worker");
        return Task.FromResult(silo!);
    }
}
