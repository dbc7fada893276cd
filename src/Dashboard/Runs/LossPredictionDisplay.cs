using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Runs;

/// <summary>What the run page shows of a run's loss prediction: one sentence, and the law's curve drawn dashed beside the logged loss.</summary>
public static class LossPredictionDisplay
{
    public const string CurveName = "annealing law";

    /// <summary>"Predicted final loss 2.834 [2.812, 2.861] (90%) at step 2,000, from …", or why there is none.</summary>
    public static string Sentence(LossPredictionView p)
    {
        if (p.Loss is not { } loss) return $"No loss prediction yet: {p.Reason}.";
        var interval = p.Low is { } low && p.High is { } high ? $" [{NumberFormat.Short(low)}, {NumberFormat.Short(high)}] ({p.Level * 100:0}%)" : "";
        var from = p.FittedThrough > 0 ? $"its losses up to step {p.FittedThrough:N0}" : "no loss of its own yet";
        var siblings = p.Siblings.Count switch { 0 => "", 1 => " and 1 finished run of its arm", var n => $" and {n} finished runs of its arm" };
        return $"Predicted final loss {NumberFormat.Short(loss)}{interval} at step {p.Step:N0}, from {from}{siblings}.";
    }

    /// <summary>L(s) = L0 + A·S1^−α − C·S2 with the fitted numbers, as the page writes the law.</summary>
    public static string Law(LossLawView law) =>
        $"L(s) = {NumberFormat.Short(law.L0)} + {NumberFormat.Short(law.A)}·S1^−{NumberFormat.Short(law.Alpha)} − {NumberFormat.Short(law.C)}·S2 " +
        $"(S1, S2: forward and annealing areas of the learning-rate schedule, momentum {law.Momentum})";

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
