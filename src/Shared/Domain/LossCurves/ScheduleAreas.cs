namespace ScaleLab.LossCurves;

/// <summary>
/// The two areas under a run's learning-rate schedule that the annealing law reads (Tissue et al. 2024, "Scaling Law
/// with Learning Rate Annealing"), after each step: the forward area S1 = Σ ηᵢ, the distance the optimizer has
/// travelled, and the annealing area S2 = Σ mᵢ with mᵢ = λ·mᵢ₋₁ + (ηᵢ₋₁ − ηᵢ), the rate's decrease carried with a
/// momentum λ, so that the loss keeps falling for a while after the rate drops.
/// </summary>
/// <remarks>
/// S1 counts every step taken, warmup included: it is the area under the curve the run followed. S2 starts at the end
/// of warmup: the ramp up is not annealing, and its negative "decreases" would cancel real ones.
/// </remarks>
public sealed class ScheduleAreas
{
    /// <summary>The paper's momentum of the annealing area.</summary>
    public const double DefaultMomentum = 0.999;

    private readonly double[] _forward, _annealing;

    /// <param name="rates">The rate of every step of the run, in order (<see cref="Runs.LearningRateSchedule.Rates"/>).</param>
    /// <param name="warmupSteps">Steps of warmup at the start, which add to S1 but not to S2.</param>
    public ScheduleAreas(IReadOnlyList<double> rates, int warmupSteps, double momentum = DefaultMomentum)
    {
        if (rates.Count == 0) throw new ArgumentException("a schedule needs at least one step", nameof(rates));
        if (rates.Any(r => !double.IsFinite(r) || r < 0)) throw new ArgumentException("rates must be finite and not negative", nameof(rates));
        _forward = new double[rates.Count + 1];
        _annealing = new double[rates.Count + 1];
        var m = 0.0;
        for (var i = 0; i < rates.Count; i++)
        {
            _forward[i + 1] = _forward[i] + rates[i];
            if (i > 0 && i >= warmupSteps) m = momentum * m + (rates[i - 1] - rates[i]);
            _annealing[i + 1] = _annealing[i] + m;
        }
    }

    /// <summary>Steps in the schedule.</summary>
    public int Steps => _forward.Length - 1;

    /// <summary>S1 after <paramref name="steps"/> steps (0 to <see cref="Steps"/>).</summary>
    public double Forward(int steps) => _forward[steps];

    /// <summary>S2 after <paramref name="steps"/> steps.</summary>
    public double Annealing(int steps) => _annealing[steps];
}
