using ScaleLab.Runs;

namespace ScaleLab.Workers.Training;

/// <summary>Linear warmup to the peak rate, then cosine decay to <see cref="FloorFraction"/> of it at the last step.</summary>
public static class LearningRateSchedule
{
    public const double FloorFraction = 0.1;

    /// <param name="step">0-based optimizer step.</param>
    public static double At(int step, RunConfig c)
    {
        var peak = c.LearningRate;
        if (step < c.WarmupSteps) return peak * (step + 1) / c.WarmupSteps;
        var decaySteps = Math.Max(1, c.Steps - c.WarmupSteps - 1);
        var progress = Math.Clamp((double)(step - c.WarmupSteps) / decaySteps, 0, 1);
        var floor = peak * FloorFraction;
        return floor + 0.5 * (peak - floor) * (1 + Math.Cos(Math.PI * progress));
    }
}
