using ScaleLab.Runs;

namespace ScaleLab.Workers.Slots;

/// <summary>The grain face of one device slot; the training itself belongs to <see cref="TrainingHost"/>.</summary>
[WorkerSlotPlacement]
public sealed class WorkerGrain(LocalSlots slots, TrainingHost host) : Grain, IWorkerGrain
{
    private string SlotId => this.GetPrimaryKeyString();

    public Task StartAsync(RunAssignment assignment)
    {
        if (!slots.All.TryGetValue(SlotId, out var device))
            throw new InvalidOperationException($"{SlotId} is not a slot of this worker");
        host.Start(SlotId, device, assignment);
        return Task.CompletedTask;
    }

    public Task<Guid?> GetCurrentRunAsync() => Task.FromResult(host.CurrentRun(SlotId));

    public Task CancelAsync(Guid runId)
    {
        host.Cancel(SlotId, runId);
        return Task.CompletedTask;
    }
}
