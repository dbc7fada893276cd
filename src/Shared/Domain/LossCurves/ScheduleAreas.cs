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
/// S2 is kept for each momentum of <see cref="Momenta"/>: the fit chooses λ (<see cref="AnnealingLawFitter.FitBest"/>).
/// </remarks>
public sealed class ScheduleAreas
{
    /// <summary>The paper's momentum of the annealing area.</summary>
    public const double DefaultMomentum = 0.999;

    /// <summary>
    /// The momenta a fit chooses among. The paper used 0.999 on runs of tens of thousands of steps; on runs of about a
    /// thousand the curves are fitted best nearer 0.99 (docs/benchmarks.md), so λ is a parameter the data choose.
    /// </summary>
    public static readonly IReadOnlyList<double> Momenta = [0.9, 0.95, 0.99, 0.995, DefaultMomentum];

    private readonly int[] _at;
    private readonly double[] _forward;
    private readonly double[][] _annealing;   // [momentum][step asked for]

    /// <summary>Areas after every step of an explicit schedule.</summary>
    /// <param name="rates">The rate of every step of the run, in order.</param>
    /// <param name="warmupSteps">Steps of warmup at the start, which add to S1 but not to S2.</param>
    public ScheduleAreas(IReadOnlyList<double> rates, int warmupSteps)
        : this(step => rates[step], rates.Count, warmupSteps, Enumerable.Range(0, rates.Count + 1))
    {
    }

    /// <summary>Areas after each step in <paramref name="at"/> (0 to <paramref name="steps"/>) of a schedule given by its rate at each step.</summary>
    public ScheduleAreas(Func<int, double> rate, int steps, int warmupSteps, IEnumerable<int> at)
    {
        if (steps < 1) throw new ArgumentException("a schedule needs at least one step", nameof(steps));
        _at = at.Distinct().Order().ToArray();
        if (_at.Length > 0 && (_at[0] < 0 || _at[^1] > steps)) throw new ArgumentOutOfRangeException(nameof(at), $"steps 0 to {steps}");
        Steps = steps;
        _forward = new double[_at.Length];
        _annealing = Momenta.Select(_ => new double[_at.Length]).ToArray();
        var (s2, m) = (new double[Momenta.Count], new double[Momenta.Count]);
        double s1 = 0, previous = 0;
        var next = 0;
        for (var done = 0; next < _at.Length; done++)
        {
            for (; next < _at.Length && _at[next] == done; next++)
            {
                _forward[next] = s1;
                for (var j = 0; j < s2.Length; j++) _annealing[j][next] = s2[j];
            }
            if (next == _at.Length) break;
            var r = rate(done);
            if (!double.IsFinite(r) || r < 0) throw new ArgumentException($"the rate at step {done} is {r}: rates must be finite and not negative");
            s1 += r;
            for (var j = 0; j < s2.Length; j++)
            {
                if (done > 0 && done >= warmupSteps) m[j] = Momenta[j] * m[j] + (previous - r);
                s2[j] += m[j];
            }
            previous = r;
        }
    }

    /// <summary>The areas of <paramref name="config"/>'s schedule after each step in <paramref name="at"/>.</summary>
    public static ScheduleAreas Of(RunConfig config, IEnumerable<int> at) =>
        new(step => LearningRateSchedule.At(step, config), config.Steps, config.WarmupSteps, at);

    /// <summary>Steps in the schedule.</summary>
    public int Steps { get; }

    /// <summary>S1 after <paramref name="steps"/> steps (one of those asked for).</summary>
    public double Forward(int steps) => _forward[IndexOf(steps)];

    /// <summary>S2 after <paramref name="steps"/> steps, with momentum λ (one of <see cref="Momenta"/>).</summary>
    public double Annealing(int steps, double momentum = DefaultMomentum)
    {
        var j = 0;
        while (j < Momenta.Count && Momenta[j] != momentum) j++;
        return j < Momenta.Count ? _annealing[j][IndexOf(steps)] : throw new ArgumentOutOfRangeException(nameof(momentum), $"one of {string.Join(", ", Momenta)}");
    }

    private int IndexOf(int steps)
    {
        var i = Array.BinarySearch(_at, steps);
        return i >= 0 ? i : throw new ArgumentOutOfRangeException(nameof(steps), $"the areas after {steps} steps were not asked for");
    }
}
