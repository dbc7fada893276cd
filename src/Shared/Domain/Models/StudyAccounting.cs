using ScaleLab.Runs;
using ScaleLab.Scaling;

namespace ScaleLab.Models;

/// <summary>
/// A run's N, FLOPs per token and training compute as its study counts them (<see cref="FlopAccounting"/>). The
/// engine's exact accounting (<see cref="TransformerShape"/>) stays what the hardware does, for device time and MFU.
/// </summary>
public static class StudyAccounting
{
    public static long Parameters(RunConfig c, FlopAccounting accounting) =>
        accounting.Parameters == ParameterCount.Total ? TransformerShape.TotalParameters(c) : TransformerShape.NonEmbeddingParameters(c);

    public static double FlopsPerToken(RunConfig c, FlopAccounting accounting) =>
        accounting.Compute == ComputeConvention.SixND ? 6.0 * Parameters(c, accounting) : TransformerShape.TrainingFlopsPerToken(c);

    /// <summary>C for the tokens the run actually trains on (whole steps).</summary>
    public static double TrainingFlops(RunConfig c, FlopAccounting accounting) =>
        FlopsPerToken(c, accounting) * c.StepCount * c.TokensPerStep;
}
