using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ScaleLab.Runs;
using ScaleLab.Scheduling;

namespace ScaleLab.Bench;

/// <summary>
/// What the worker's TrainingHost does with an assignment, minus the training: off the grain turn it begins the
/// attempt on the run grain, waits a few milliseconds, and completes it as Succeeded. Like TrainingHost, a slot keeps
/// its run as "current" until the run grain has accepted the result, and may take its next run while reporting (the
/// scheduler dispatches inside the release that the completion triggers).
/// Also measures each slot's idle gap: from handing in a completion to the next StartAsync on that slot.
/// </summary>
public sealed class SimulatedTrainingHost(IGrainFactory grains, BenchOptions options, IHostApplicationLifetime lifetime, ILogger<SimulatedTrainingHost> logger)
{
    private sealed class Slot
    {
        public RunAssignment? Current;
        public CancellationTokenSource? Cancel;
        public bool Reporting;
        /// <summary>Stopwatch timestamp of the last completion handed in; null before the first run or once a run started.</summary>
        public long? FreedAt;
    }

    private readonly ConcurrentDictionary<string, Slot> _slots = new();
    private readonly ConcurrentQueue<double> _gapsMs = new();
    private int _failedCalls;

    /// <summary>Slot idle gaps in milliseconds, in the order they ended.</summary>
    public IReadOnlyCollection<double> GapsMs => _gapsMs;

    /// <summary>Grain calls to the control plane that threw before the silo stopped (logged as warnings); a healthy run has none.</summary>
    public int FailedCalls => _failedCalls;

    public Guid? CurrentRun(string slotId)
    {
        var slot = _slots.GetOrAdd(slotId, _ => new Slot());
        lock (slot) return slot.Current?.RunId;
    }

    public void Start(string slotId, RunAssignment assignment)
    {
        var now = Stopwatch.GetTimestamp();
        var slot = _slots.GetOrAdd(slotId, _ => new Slot());
        lock (slot)
        {
            if (slot.Current is { } current && !slot.Reporting)
            {
                if (current.RunId == assignment.RunId && current.Attempt == assignment.Attempt) return;
                throw new InvalidOperationException($"Slot {slotId} is busy with run {current.RunId}");
            }
            if (slot.FreedAt is { } freed) _gapsMs.Enqueue(Stopwatch.GetElapsedTime(freed, now).TotalMilliseconds);
            slot.FreedAt = null;
            slot.Current = assignment;
            slot.Reporting = false;
            slot.Cancel = new CancellationTokenSource();
            var cancel = slot.Cancel.Token;
            _ = Task.Run(() => RunAttemptAsync(slotId, slot, assignment, cancel));
        }
    }

    public void Cancel(string slotId, Guid runId)
    {
        if (!_slots.TryGetValue(slotId, out var slot)) return;
        lock (slot)
            if (slot.Current?.RunId == runId) slot.Cancel?.Cancel();
    }

    private async Task RunAttemptAsync(string slotId, Slot slot, RunAssignment a, CancellationToken cancel)
    {
        var run = grains.GetGrain<IRunGrain>(a.RunId);
        try
        {
            var proceed = await run.BeginAttemptAsync(a.SweepId, slotId, a.Attempt);
            var status = RunStatus.Succeeded;
            if (proceed)
            {
                try { await Task.Delay(options.TrainMilliseconds, cancel); }
                catch (OperationCanceledException) { status = RunStatus.Cancelled; }
            }
            lock (slot)
            {
                slot.Reporting = true;
                slot.FreedAt = Stopwatch.GetTimestamp();
            }
            if (proceed)
                await run.CompleteAsync(a.SweepId, slotId, new RunResult(a.RunId, a.Attempt, status, 1, 256, 1e6, 1.0, 1.0, null, 0,
                    options.TrainMilliseconds / 1000.0, status == RunStatus.Cancelled ? "cancelled" : null));
            else
                await grains.GetGrain<ISchedulerGrain>(ISchedulerGrain.Default).ReleaseAsync(slotId, a.RunId);
        }
        catch (Exception ex) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // No retries here: a benchmark that needs them has found a problem worth seeing, so it is counted and logged.
            // (Calls cut off by the end of the window, when the silo stops, are neither.)
            Interlocked.Increment(ref _failedCalls);
            logger.LogWarning("Run {RunId} attempt {Attempt} on {SlotId}: {Message}", a.RunId, a.Attempt, slotId, ex.Message);
        }
        finally
        {
            lock (slot)
                if (slot.Current == a)
                {
                    slot.Current = null;
                    slot.Reporting = false;
                }
        }
    }
}
