namespace ScaleLab.Runs;

/// <summary>How a warmup-stable-decay schedule comes down from its peak (<see cref="RunConfig.CooldownShape"/>).</summary>
public static class CooldownShapes
{
    public const string Linear = "linear", OneMinusSqrt = "1-sqrt";

    public static readonly IReadOnlyList<string> All = [Linear, OneMinusSqrt];
}
