using ScaleLab.Scheduling;

namespace ScaleLab.Workers.Slots;

/// <summary>Announces every slot of this silo to the scheduler every few seconds, with the run it is training.</summary>
public sealed class SlotHeartbeat(IGrainFactory grains, LocalSlots slots, TrainingHost host, IHostApplicationLifetime lifetime, ILogger<SlotHeartbeat> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The silo must be up before we can call grains.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);

        using var timer = new PeriodicTimer(Interval);
        do
        {
            foreach (var (slotId, device) in slots.All)
            {
                try
                {
                    // Resolved on every beat: until the cluster manifest lists the orchestrator's grains, this throws.
                    var scheduler = grains.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default);
                    await scheduler.HeartbeatAsync(new WorkerSlot(slotId, device.Kind, device.Index, device.Name, device.MemoryBytes, host.CurrentRun(slotId)));
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Heartbeat of {SlotId} failed: {Message}", slotId, ex.Message);
                }
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
