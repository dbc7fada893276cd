namespace ScaleLab.IntegrationTests.Chaos;

public enum ChaosTarget { Worker, Orchestrator }

/// <summary>
/// One kill: <see cref="At"/> after the study was submitted; for a worker, which one (an index into the live workers,
/// oldest first), since ports differ from run to run.
/// </summary>
public sealed record ChaosStep(TimeSpan At, ChaosTarget Target, int WorkerIndex);

/// <summary>The kills a chaos run makes, from a seed alone, so a failure can be replayed with the same seed.</summary>
public static class ChaosPlan
{
    /// <summary>
    /// A worker (at random among <paramref name="workers"/>) every <paramref name="cadence"/> until
    /// <paramref name="duration"/>, the first after one cadence; and the orchestrator once, half a cadence after a
    /// worker kill chosen at random (not the last one, so the study runs on after it restarts).
    /// </summary>
    public static IReadOnlyList<ChaosStep> Create(int seed, TimeSpan duration, TimeSpan cadence, int workers)
    {
        var random = new Random(seed);
        var kills = Math.Max(2, (int)(duration / cadence));
        var steps = Enumerable.Range(1, kills).Select(i => new ChaosStep(cadence * i, ChaosTarget.Worker, random.Next(workers))).ToList();
        steps.Add(new ChaosStep(cadence * random.Next(1, kills) + cadence / 2, ChaosTarget.Orchestrator, -1));
        return steps.OrderBy(s => s.At).ToList();
    }
}
