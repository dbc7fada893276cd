using ScaleLab.Runs;

namespace ScaleLab.Workers;

/// <summary>
/// One device slot of a worker silo. Keyed by <see cref="WorkerSlotId"/>, which pins the activation to that silo.
/// Calls return at once: training runs on the worker's own thread and reports to the run grain.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts training; throws if the slot is busy with another run. Starting the run it already trains is a no-op.</summary>
    Task StartAsync(RunAssignment assignment);

    Task<Guid?> GetCurrentRunAsync();

    /// <summary>Stops the run if this slot is training it (the attempt then completes as Cancelled).</summary>
    Task CancelAsync(Guid runId);
}
