using ScaleLab.Runs;

namespace ScaleLab.LossCurves;

/// <summary>A loss logged after <paramref name="Step"/> optimizer steps.</summary>
public readonly record struct CurvePoint(int Step, double Loss);

/// <summary>
/// One run's logged losses and the schedule it follows to its last step (known before it gets there), so the law can
/// be evaluated at the run's logged steps and its last.
/// </summary>
public sealed record LossCurve(ScheduleAreas Areas, int WarmupSteps, IReadOnlyList<CurvePoint> Points)
{
    /// <summary>A run's curve, with its schedule's areas at its points, its last step and <paramref name="alsoAt"/>.</summary>
    public static LossCurve Of(RunConfig config, IReadOnlyList<CurvePoint> points, IEnumerable<int>? alsoAt = null) =>
        new(ScheduleAreas.Of(config, points.Select(p => p.Step).Where(s => s >= 0 && s <= config.Steps).Append(config.Steps).Concat(alsoAt ?? [])),
            config.WarmupSteps, points);

    /// <summary>
    /// The points a fit may use: past warmup and past the first tenth of the run, within the schedule, finite. The law
    /// describes training at the schedule, not the ramp to it, nor the first fast drop from the initial loss: on
    /// curves of real training (docs/benchmarks.md) those early points pulled L0 towards 0 and doubled the residuals.
    /// </summary>
    public IEnumerable<CurvePoint> Fittable => Points.Where(p => p.Step > FirstFittable && p.Step <= Areas.Steps && double.IsFinite(p.Loss));

    /// <summary>The last step before the fitted part of the curve.</summary>
    public int FirstFittable => Math.Max(WarmupSteps, Areas.Steps / 10);

    /// <summary>This run's curve with only the points logged up to <paramref name="step"/>: what was known then.</summary>
    public LossCurve Through(int step) => this with { Points = Points.Where(p => p.Step <= step).ToList() };
}
