using ScaleLab.Validation;

namespace ScaleLab.Scaling;

/// <summary>
/// The entry point of every fit (CLI, API, dashboard): validates the points, fits the chosen law per group,
/// bootstraps intervals, derives the compute-optimal allocation at the target compute, and, with several
/// groups, finds where their frontiers cross. Pure: no IO, deterministic for a seed.
/// </summary>
public static class ScalingAnalysis
{
    /// <summary>Crossings are searched from a tenth of the smallest compute seen to 10⁴ times the largest.</summary>
    public const double SearchBelow = 10, SearchAbove = 1e4;

    public static FitResult? Run(IReadOnlyList<ScalingPoint> points, FitOptions options, ValidationErrors errors)
    {
        FitInputValidator.Validate(points, options, errors);
        if (!errors.IsEmpty) return null;
        // Under C = 6ND the points' own FLOPs play no part: compute, budgets and allocations all follow 6·N·D.
        if (options.Compute == ComputeConvention.SixND) points = points.Select(p => p with { Flops = null }).ToList();

        var target = options.TargetCompute ?? points.Max(p => p.Compute);
        var groups = points.GroupBy(p => p.Group ?? "all").OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var grid = FrontierCurve.Grid(points.Min(p => p.Compute), points.Max(p => p.Compute), target);
        var fits = new List<(string Name, LawFit Fit, GroupFit Result, LawFit?[] Refits)>();
        foreach (var group in groups)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var groupPoints = group.ToList();
            var fit = LawFit.For(groupPoints, options);
            var aligned = Bootstrap.Aligned(fit, options);
            var refits = aligned.OfType<LawFit>().ToList();
            var replicates = refits.Select(r => r.Parameters.Concat(r.Derived(target)).ToDictionary(kv => kv.Key, kv => kv.Value)).ToList();
            Estimate Estimate(string key, double value) =>
                Scaling.Estimate.From(value, replicates.Select(r => r.GetValueOrDefault(key, double.NaN)).ToList(), options.Confidence);
            var residuals = fit.Residuals();
            var result = new GroupFit(group.Key, groupPoints.Count,
                fit.Parameters.ToDictionary(kv => kv.Key, kv => Estimate(kv.Key, kv.Value)),
                fit.Derived(target).ToDictionary(kv => kv.Key, kv => Estimate(kv.Key, kv.Value)),
                fit.Profiles, replicates.Count, FrontierCurve.Sample(fit, refits, grid, options.Confidence),
                residuals, fit.Excluded, residuals.Count - fit.FreeParameters, Rollout: Scaling.Rollout.Check(fit, fit.FittedPoints, options));
            result = result with { WarningList = FitWarnings.For(options.Law, result, target, groupPoints.Max(p => p.Compute), options.Bootstrap) };
            fits.Add((group.Key, fit, result, aligned));
        }

        var from = points.Min(p => p.Compute) / SearchBelow;
        var to = points.Max(p => p.Compute) * SearchAbove;
        var crossings = new List<FrontierCrossing>();
        for (var i = 0; i < fits.Count; i++)
            for (var j = i + 1; j < fits.Count; j++)
                crossings.Add(FrontierCrossings.WithInterval(FrontierCrossings.Find(fits[i].Name, fits[i].Fit, fits[j].Name, fits[j].Fit, from, to),
                    fits[i].Refits, fits[j].Refits, options.Confidence));

        return new FitResult(options.Law, points.Count, options.Bootstrap, options.Seed, options.Confidence, target,
            fits.Select(f => f.Result).ToList(), crossings, options.Compute);
    }
}
