namespace ScaleLab.Dashboard.Components.Charts;

/// <summary>What a curve chart puts on its x axis.</summary>
public enum CurveAxis
{
    Step,
    Tokens,
    Flops,
}
