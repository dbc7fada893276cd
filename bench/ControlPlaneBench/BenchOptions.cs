namespace ScaleLab.Bench;

/// <summary>One measurement of the control plane, bound from the "Bench" configuration section (bench/control-plane.sh sets it).</summary>
public sealed record BenchOptions
{
    /// <summary>The orchestrator's REST API, e.g. http://127.0.0.1:5180/.</summary>
    public string ApiUrl { get; init; } = "";

    /// <summary>API keys to submit with, one owner each; sweeps alternate between them.</summary>
    public string[] ApiKeys { get; init; } = [];

    /// <summary>The orchestrator's process id, for its resident memory (/proc/PID/status).</summary>
    public int OrchestratorPid { get; init; }

    /// <summary>Runs to queue before the slots join.</summary>
    public int Runs { get; init; } = 1000;

    /// <summary>Runs per sweep: SweepLimits.MaxRuns by default.</summary>
    public int RunsPerSweep { get; init; } = 1000;

    /// <summary>Submission stops starting new sweeps after this long; the runs queued by then are measured.</summary>
    public int SubmitCapSeconds { get; init; } = 600;

    /// <summary>How long dispatches are measured once the slots join (less if the queue drains first).</summary>
    public int WindowSeconds { get; init; } = 60;

    /// <summary>Simulated worker slots in this silo.</summary>
    public int Slots { get; init; } = 100;

    /// <summary>The simulated "training" of each run, between BeginAttempt and Complete.</summary>
    public int TrainMilliseconds { get; init; } = 5;

    /// <summary>What each slot reports as its memory: plenty for the tiny runs submitted, so every run fits every slot.</summary>
    public long SlotMemoryBytes { get; init; } = 1L << 30;
}
