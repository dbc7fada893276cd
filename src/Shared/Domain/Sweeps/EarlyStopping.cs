using ScaleLab.Runs;

namespace ScaleLab.Sweeps;

/// <summary>
/// Optional early stopping of a sweep's runs, by one of two methods (<see cref="Method"/>):
/// <list type="bullet">
/// <item><b>asha</b>, asynchronous successive halving (Li et al. 2020): at rungs of <see cref="GracePeriod"/> · η^k
/// steps a run's latest <see cref="Metric"/> is compared with every value recorded at that rung so far; a run outside
/// the best 1/η stops there. Runs never wait for each other, so it suits a cluster where runs start and finish at
/// different times.</item>
/// <item><b>law</b>, law-based stopping (<see cref="LawStopping"/>): at the fractions <see cref="At"/> of its steps a
/// run's final training loss is predicted by the annealing law (Tissue et al. 2024) with a 90 % interval, and the run
/// stops when even the interval's low end is above the best loss reached, or bounded, by another run at the same
/// compute budget: it cannot be on the compute-optimal frontier. At least <see cref="Keep"/> other runs of its budget
/// are left to train, so each IsoFLOP profile keeps its points.</item>
/// </list>
/// </summary>
public sealed record EarlyStopping(
    string Metric = MetricNames.ValLoss,
    string Mode = "min",
    int ReductionFactor = 3,
    int GracePeriod = 100,
    string Method = EarlyStoppingMethods.Asha,
    IReadOnlyList<double>? At = null,
    int Keep = 3)
{
    /// <summary>Where a run is judged by the law when <see cref="At"/> is not given: a quarter and half of its steps.</summary>
    public static readonly IReadOnlyList<double> DefaultAt = [0.25, 0.5];

    /// <summary>
    /// The fractions of a run's steps at which the law judges it, in order. A method, not a property: the rule is kept
    /// in the sweep grain's stored state, whose JSON serializer would write a computed property and fail to read it back.
    /// </summary>
    public IReadOnlyList<double> JudgedAt() => [.. (At ?? DefaultAt).Order()];

    /// <summary>The rung steps below a run's last step (a run that reaches its last step has finished anyway).</summary>
    public IReadOnlyList<int> Rungs(int totalSteps)
    {
        var rungs = new List<int>();
        for (long r = GracePeriod; r < totalSteps; r *= ReductionFactor) rungs.Add((int)r);
        return rungs;
    }

    /// <summary>
    /// Whether a run whose value at a rung is <paramref name="value"/> stops there, given every value recorded at that
    /// rung (this one included): it continues only if it is at least as good as the 1/η quantile of them.
    /// </summary>
    public bool ShouldStop(double value, IReadOnlyList<double> recordedAtRung)
    {
        if (!double.IsFinite(value)) return true;                               // diverged
        var values = recordedAtRung.Where(double.IsFinite).Select(v => Mode == "max" ? -v : v).Order().ToList();
        if (values.Count < ReductionFactor) return false;                       // too few to judge: keep going
        var keep = (int)Math.Ceiling(values.Count / (double)ReductionFactor);   // the best ⌈n/η⌉ continue
        var cutoff = values[keep - 1];
        return (Mode == "max" ? -value : value) > cutoff;
    }
}

/// <summary>The methods of <see cref="EarlyStopping"/>.</summary>
public static class EarlyStoppingMethods
{
    public const string Asha = "asha", Law = "law";

    public static readonly IReadOnlyList<string> All = [Asha, Law];
}
