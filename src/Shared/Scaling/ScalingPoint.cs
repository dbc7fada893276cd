namespace ScaleLab.Scaling;

/// <summary>
/// One finished run as a scaling law sees it: N parameters, D training tokens, its loss, optionally its
/// training compute (otherwise C = 6·N·D), the group it belongs to (e.g. an architecture) and, where known, how many
/// passes over its training data it made.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScaleLab.Scaling.ScalingPoint")]
public sealed record ScalingPoint(
    [property: Id(0)] double N,
    [property: Id(1)] double D,
    [property: Id(2)] double Loss,
    [property: Id(3)] double? Flops = null,
    [property: Id(4)] string? Group = null,
    [property: Id(5)] double? Epochs = null)
{
    public double Compute => Flops ?? 6 * N * D;
}
