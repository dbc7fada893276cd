using ScaleLab.Catalog;
using ScaleLab.Scaling;

namespace ScaleLab.LossCurves;

/// <summary>How a loss prediction is told to a researcher, the same words in the dashboard and the CLI.</summary>
public static class LossPredictionText
{
    /// <summary>"Predicted final loss 2.834 [2.812, 2.861] (90%) at step 2,000, from …", or why there is none.</summary>
    public static string Sentence(LossPredictionView p)
    {
        if (p.Loss is not { } loss) return $"No loss prediction yet: {p.Reason}.";
        var interval = p.Low is { } low && p.High is { } high ? $" [{NumberFormat.Short(low)}, {NumberFormat.Short(high)}] ({p.Level * 100:0}%)" : "";
        var from = p.FittedThrough > 0 ? $"its losses up to step {p.FittedThrough:N0}" : "no loss of its own yet";
        var siblings = p.Siblings.Count switch { 0 => "", 1 => " and 1 finished run of its arm", var n => $" and {n} finished runs of its arm" };
        return $"Predicted final loss {NumberFormat.Short(loss)}{interval} at step {p.Step:N0}, from {from}{siblings}.";
    }

    /// <summary>"→ 2.834 [2.812, 2.861]": a prediction in a table cell; null where there is none.</summary>
    public static string? Brief(LossPredictionView p) =>
        p.Loss is not { } loss ? null
        : "→ " + NumberFormat.Short(loss) + (p.Low is { } low && p.High is { } high ? $" [{NumberFormat.Short(low)}, {NumberFormat.Short(high)}]" : "");

    /// <summary>L(s) = L0 + A·S1^−α − C·S2 with the fitted numbers.</summary>
    public static string Law(LossLawView law) =>
        $"L(s) = {NumberFormat.Short(law.L0)} + {NumberFormat.Short(law.A)}·S1^−{NumberFormat.Short(law.Alpha)} − {NumberFormat.Short(law.C)}·S2 " +
        $"(S1, S2: forward and annealing areas of the learning-rate schedule, momentum {law.Momentum})";
}
