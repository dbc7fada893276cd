using System.Text.Json;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.LossCurves;

/// <summary>
/// Which runs share one annealing law: the same model, data, task, precision, batch and peak learning rate. Their
/// length, schedule, warmup, seed, logging and starting point (a ladder's branch) may differ: the law takes the schedule as its input, and a seed moves a
/// curve by noise, not by law.
/// </summary>
public static class LossCurveArm
{
    public static string Key(RunConfig c) =>
        JsonSerializer.Serialize(RunBookkeeping.Without(c) with { Schedule = "", DecayFraction = 0, CooldownShape = "" }, SpecJson.Options);
}
