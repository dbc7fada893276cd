namespace ScaleLab.Runs;

/// <summary>
/// Linear warmup to the peak rate, then either cosine decay to <see cref="FloorFraction"/> of it at the last step, or
/// warmup-stable-decay (Hu et al. 2024): the peak until the last decayFraction of the steps, then a decay towards 0,
/// linear or 1 − √progress (Hägele et al. 2024).
/// </summary>
public static class LearningRateSchedule
{
    public const double FloorFraction = 0.1;

    /// <param name="step">0-based optimizer step.</param>
    public static double At(int step, RunConfig c)
    {
        var peak = c.LearningRate;
        if (step < c.WarmupSteps) return peak * (step + 1) / c.WarmupSteps;
        if (c.Schedule == "wsd")
        {
            var decayStart = DecayStart(c);
            if (step < decayStart) return peak;
            // 1 at the decay's first step, 1/n at the last (c.Steps − 1), so no step is wasted at a rate of exactly 0.
            var remaining = (c.Steps - step) / (double)(c.Steps - decayStart);
            return c.CooldownShape == CooldownShapes.OneMinusSqrt ? peak * (1 - Math.Sqrt(1 - remaining)) : peak * remaining;
        }
        var cosineSteps = Math.Max(1, c.Steps - c.WarmupSteps - 1);
        var progress = Math.Clamp((double)(step - c.WarmupSteps) / cosineSteps, 0, 1);
        var floor = peak * FloorFraction;
        return floor + 0.5 * (peak - floor) * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>A "wsd" run's first step below the peak: where a ladder branches its cooldown off the shared trunk.</summary>
    public static int DecayStart(RunConfig c)
    {
        var decaySteps = Math.Max(1, (int)Math.Round(c.Steps * c.DecayFraction));
        return Math.Max(c.WarmupSteps, c.Steps - decaySteps);
    }

    /// <summary>The rate of every step of the run, in order: the schedule a loss-curve law reads (<see cref="LossCurves.ScheduleAreas"/>).</summary>
    public static double[] Rates(RunConfig c) => Enumerable.Range(0, c.Steps).Select(step => At(step, c)).ToArray();
}
