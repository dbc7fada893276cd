using ScaleLab.Runs;
using ScaleLab.Workers;

namespace ScaleLab.Bench;

/// <summary>
/// A worker slot that trains nothing: the same contract and placement as the worker's WorkerGrain, so the scheduler
/// cannot tell the difference. Calls return at once; the attempt runs on <see cref="SimulatedTrainingHost"/>.
/// </summary>
[WorkerSlotPlacement]
public sealed class SimulatedWorkerGrain(SimulatedTrainingHost host) : Grain, IWorkerGrain
{
    private string SlotId => this.GetPrimaryKeyString();

    public Task StartAsync(RunAssignment assignment)
    {
        host.Start(SlotId, assignment);
        return Task.CompletedTask;
    }

    public Task<Guid?> GetCurrentRunAsync() => Task.FromResult(host.CurrentRun(SlotId));

    public Task CancelAsync(Guid runId)
    {
        host.Cancel(SlotId, runId);
        return Task.CompletedTask;
    }
}
