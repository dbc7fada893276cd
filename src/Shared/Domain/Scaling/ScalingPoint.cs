namespace ScaleLab.Scaling;

/// <summary>
/// One finished run as a scaling law sees it: N parameters, D training tokens, its loss, optionally its
/// training compute (otherwise C = 6·N·D), the group it belongs to (e.g. an architecture) and, where known, how many
/// passes over its training data it made.
/// </summary>
public sealed record ScalingPoint(
    double N,
    double D,
    double Loss,
    double? Flops = null,
    string? Group = null,
    double? Epochs = null)
{
    public double Compute => Flops ?? 6 * N * D;
}
