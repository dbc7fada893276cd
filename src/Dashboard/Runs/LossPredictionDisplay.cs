using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;

namespace ScaleLab.Dashboard.Runs;

/// <summary>The law's curve of a run's loss prediction, drawn dashed beside the logged loss (the words are <see cref="LossCurves.LossPredictionText"/>).</summary>
public static class LossPredictionDisplay
{
    public const string CurveName = "annealing law";

    /// <summary>The law's curve as one more curve of the run's loss chart, dashed; tokens and FLOPs scale with the step as the run's do.</summary>
    public static CurveChart.NamedCurve? Curve(LossPredictionView p, RunSummary run)
    {
        if (p.Loss is null || p.CurveSteps.Count == 0 || run.TotalSteps <= 0) return null;
        var tokensPerStep = run.PlannedTokens / (double)run.TotalSteps;
        var flopsPerStep = run.PlannedFlops / run.TotalSteps;
        return new CurveChart.NamedCurve(CurveName, p.CurveSteps, p.CurveLoss,
            p.CurveSteps.Select(s => (long)(s * tokensPerStep)).ToList(), p.CurveSteps.Select(s => s * flopsPerStep).ToList(), Dashed: true);
    }
}
