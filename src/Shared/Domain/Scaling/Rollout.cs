namespace ScaleLab.Scaling;

/// <summary>
/// Extrapolation validated, not assumed: the law refitted without the largest budget (three or more budgets) or the
/// largest model size, warm-started from the full fit as a bootstrap refit is, predicting what was held out.
/// </summary>
internal static class Rollout
{
    public static RolloutCheck Check(LawFit full, IReadOnlyList<ScalingPoint> points, FitOptions options)
    {
        var budgets = IsoFlopAnalysis.GroupByBudget(points);
        IReadOnlyList<ScalingPoint> heldOut;
        string what;
        // IsoFLOP-shaped data (several budgets of several runs) hold out their largest budget; a grid, its largest model.
        if (budgets.Count >= 3 && (options.Law == FitLaw.IsoFlop || budgets[^1].Count >= 3))
        {
            heldOut = budgets[^1];
            what = $"the largest budget, C={Format(Math.Exp(heldOut.Average(p => Math.Log(p.Compute))))} ({heldOut.Count} points)";
        }
        else
        {
            var largest = points.Max(p => p.N);
            heldOut = points.Where(p => p.N == largest).ToList();
            what = $"the largest model, N={Format(largest)} ({heldOut.Count} points)";
        }
        var rest = points.Except(heldOut).ToList();
        var refit = rest.Count > full.FreeParameters ? TryRefit(full, rest, options) : null;
        if (refit is null)
            return new RolloutCheck(what, heldOut.Count, null, null, $"the remaining {rest.Count} points do not support a fit of this law");

        if (options.Law != FitLaw.IsoFlop)
        {
            var errors = heldOut.Select(p => refit.PredictLoss(p)).Zip(heldOut, (predicted, p) => Math.Abs(Math.Log(p.Loss / predicted!.Value))).ToList();
            return new RolloutCheck(what, heldOut.Count, errors.Average(), null);
        }
        var measured = IsoFlopAnalysis.Profile(heldOut, FlopsPerToken.From(points));
        if (measured is null)
            return new RolloutCheck(what, heldOut.Count, null, null, "the held-out budget has no minimum of its own to compare with");
        var allocation = refit.AllocationAtCompute(measured.Compute)!.Value;
        var loss = refit.LossAtCompute(measured.Compute);
        return new RolloutCheck(what, heldOut.Count, double.IsFinite(loss) ? Math.Abs(Math.Log(measured.LossAtOpt / loss)) : null,
            Math.Log(allocation.N / measured.NOpt));
    }

    private static LawFit? TryRefit(LawFit full, IReadOnlyList<ScalingPoint> rest, FitOptions options)
    {
        try { return full.Refit(rest, options with { Bootstrap = 0 }); }
        catch (ArgumentException) { return null; } // too few distinct points left for this law's fitter
    }

    private static string Format(double x) => x.ToString("0.##E+0", System.Globalization.CultureInfo.InvariantCulture);
}
