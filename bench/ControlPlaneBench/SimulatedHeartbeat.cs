using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using ScaleLab.Scheduling;
using ScaleLab.Workers;

namespace ScaleLab.Bench;

/// <summary>
/// Announces every simulated slot to the scheduler every 5 s with the run it holds, as the worker's SlotHeartbeat does.
/// The slots' beats go out together rather than one after another: 100 slots stand for many worker machines, each
/// beating on its own clock, not for one silo whose beats queue behind each other.
/// </summary>
public sealed class SimulatedHeartbeat(IGrainFactory grains, ILocalSiloDetails silo, BenchOptions options, SimulatedTrainingHost host,
    IHostApplicationLifetime lifetime, ILogger<SimulatedHeartbeat> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>The slot ids of this silo: "{silo}/cpu{i}", so the scheduler's placement pins each slot's grain here.</summary>
    public IReadOnlyList<string> SlotIds => _slotIds ??= Enumerable.Range(0, options.Slots)
        .Select(i => WorkerSlotId.Create(silo.SiloAddress, DeviceKinds.Cpu, i)).ToList();

    private IReadOnlyList<string>? _slotIds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);

        using var timer = new PeriodicTimer(Interval);
        do
        {
            await Task.WhenAll(SlotIds.Select((slotId, i) => BeatAsync(slotId, i, stoppingToken)));
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task BeatAsync(string slotId, int index, CancellationToken stoppingToken)
    {
        try
        {
            var scheduler = grains.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default);
            await scheduler.HeartbeatAsync(new WorkerSlot(slotId, DeviceKinds.Cpu, index, "simulated slot", options.SlotMemoryBytes, host.CurrentRun(slotId)));
        }
        catch (Exception ex)
        {
            if (!stoppingToken.IsCancellationRequested) logger.LogWarning("Heartbeat of {SlotId} failed: {Message}", slotId, ex.Message);
        }
    }
}
