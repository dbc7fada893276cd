using ScaleLab.Runs;

namespace ScaleLab.Sweeps;

/// <summary>
/// Optional early stopping of a sweep's runs by asynchronous successive halving (ASHA, Li et al. 2020): at rungs of
/// <see cref="GracePeriod"/> · η^k steps a run's latest <see cref="Metric"/> is compared with every value recorded at that
/// rung so far; a run outside the best 1/η stops there. Runs never wait for each other, so it suits a cluster
/// where runs start and finish at different times.
/// </summary>
public sealed record EarlyStopping(
    string Metric = MetricNames.ValLoss,
    string Mode = "min",
    int ReductionFactor = 3,
    int GracePeriod = 100)
{
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
