using ScaleLab.Runs;

namespace ScaleLab.LossCurves;

/// <summary>
/// The two areas under a run's learning-rate schedule that the annealing law reads (Tissue et al. 2024, "Scaling Law
/// with Learning Rate Annealing"), after chosen steps: the forward area S1 = Σ ηᵢ, the distance the optimizer has
/// travelled, and the annealing area S2 = Σ mᵢ with mᵢ = λ·mᵢ₋₁ + (ηᵢ₋₁ − ηᵢ), the rate's decrease carried with a
/// momentum λ, so that the loss keeps falling for a while after the rate drops.
/// </summary>
/// <remarks>
/// S1 counts every step taken, warmup included: it is the area under the curve the run followed. S2 starts at the end
/// of warmup: the ramp up is not annealing, and its negative "decreases" would cancel real ones.
/// Only the steps asked for are kept, so a run of millions of steps costs one pass over its schedule, not its memory.
/// </remarks>
public sealed class ScheduleAreas
{
    /// <summary>The paper's momentum of the annealing area.</summary>
    public const double DefaultMomentum = 0.999;

    private readonly int[] _at;
    private readonly double[] _forward, _annealing;

    /// <summary>Areas after every step of an explicit schedule.</summary>
    /// <param name="rates">The rate of every step of the run, in order.</param>
    /// <param name="warmupSteps">Steps of warmup at the start, which add to S1 but not to S2.</param>
    public ScheduleAreas(IReadOnlyList<double> rates, int warmupSteps, double momentum = DefaultMomentum)
        : this(step => rates[step], rates.Count, warmupSteps, Enumerable.Range(0, rates.Count + 1), momentum)
    {
    }

    /// <summary>Areas after each step in <paramref name="at"/> (0 to <paramref name="steps"/>) of a schedule given by its rate at each step.</summary>
    public ScheduleAreas(Func<int, double> rate, int steps, int warmupSteps, IEnumerable<int> at, double momentum = DefaultMomentum)
    {
        if (steps < 1) throw new ArgumentException("a schedule needs at least one step", nameof(steps));
        _at = at.Distinct().Order().ToArray();
        if (_at.Length > 0 && (_at[0] < 0 || _at[^1] > steps)) throw new ArgumentOutOfRangeException(nameof(at), $"steps 0 to {steps}");
        Steps = steps;
        (_forward, _annealing) = (new double[_at.Length], new double[_at.Length]);
        double s1 = 0, s2 = 0, m = 0, previous = 0;
        var next = 0;
        for (var done = 0; next < _at.Length; done++)
        {
            while (next < _at.Length && _at[next] == done) (_forward[next], _annealing[next++]) = (s1, s2);
            if (next == _at.Length) break;
            var r = rate(done);
            if (!double.IsFinite(r) || r < 0) throw new ArgumentException($"the rate at step {done} is {r}: rates must be finite and not negative");
            s1 += r;
            if (done > 0 && done >= warmupSteps) m = momentum * m + (previous - r);
            s2 += m;
            previous = r;
        }
    }

    /// <summary>The areas of <paramref name="config"/>'s schedule after each step in <paramref name="at"/>.</summary>
    public static ScheduleAreas Of(RunConfig config, IEnumerable<int> at, double momentum = DefaultMomentum) =>
        new(step => LearningRateSchedule.At(step, config), config.Steps, config.WarmupSteps, at, momentum);

    /// <summary>Steps in the schedule.</summary>
    public int Steps { get; }

    /// <summary>S1 after <paramref name="steps"/> steps (one of those asked for).</summary>
    public double Forward(int steps) => _forward[IndexOf(steps)];

    /// <summary>S2 after <paramref name="steps"/> steps.</summary>
    public double Annealing(int steps) => _annealing[IndexOf(steps)];

    private int IndexOf(int steps)
    {
        var i = Array.BinarySearch(_at, steps);
        return i >= 0 ? i : throw new ArgumentOutOfRangeException(nameof(steps), $"the areas after {steps} steps were not asked for");
    }
}
