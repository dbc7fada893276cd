namespace ScaleLab.Runs;

/// <summary>
/// Linear warmup to the peak rate, then either cosine decay to <see cref="FloorFraction"/> of it at the last step, or
/// warmup-stable-decay (Hu et al. 2024): the peak until the last decayFraction of the steps, then linear decay to 0.
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
            var decaySteps = Math.Max(1, (int)Math.Round(c.Steps * c.DecayFraction));
            var decayStart = Math.Max(c.WarmupSteps, c.Steps - decaySteps);
            // The last step (c.Steps − 1) runs at peak/decaySteps, so no step is wasted at a rate of exactly 0.
            return step < decayStart ? peak : peak * (c.Steps - step) / (double)(c.Steps - decayStart);
        }
        var cosineSteps = Math.Max(1, c.Steps - c.WarmupSteps - 1);
        var progress = Math.Clamp((double)(step - c.WarmupSteps) / cosineSteps, 0, 1);
        var floor = peak * FloorFraction;
        return floor + 0.5 * (peak - floor) * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>The rate of every step of the run, in order: the schedule a loss-curve law reads (<see cref="LossCurves.ScheduleAreas"/>).</summary>
    public static double[] Rates(RunConfig c) => Enumerable.Range(0, c.Steps).Select(step => At(step, c)).ToArray();
}
