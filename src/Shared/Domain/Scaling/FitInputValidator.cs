using ScaleLab.Validation;

namespace ScaleLab.Scaling;

/// <summary>Refuses inputs that would give a bogus fit, naming what is wrong.</summary>
public static class FitInputValidator
{
    public const int MaxPoints = 100_000;
    public const int MaxBootstrap = 100_000;

    /// <summary>Free parameters of each law (a fit needs more points than that).</summary>
    public static int ParameterCount(FitOptions o) => o.Law switch
    {
        FitLaw.Chinchilla => 5,
        FitLaw.Compute => o.IrreducibleLoss ? 3 : 2,
        _ => 4,
    };

    public static void Validate(IReadOnlyList<ScalingPoint> points, FitOptions options, ValidationErrors errors)
    {
        if (options.Bootstrap is < 0 or > MaxBootstrap) errors.Add("bootstrap", $"must be between 0 and {MaxBootstrap}");
        if (!(double.IsFinite(options.Delta) && options.Delta > 0)) errors.Add("delta", "must be a positive number");
        if (options.TargetCompute is { } t && !(double.IsFinite(t) && t > 0)) errors.Add("targetCompute", "must be a positive number of FLOPs");
        if (!(options.Confidence is > 0 and < 1)) errors.Add("confidence", "must be between 0 and 1");
        if (points.Count > MaxPoints) { errors.Add("points", $"has {points.Count} points; at most {MaxPoints} are accepted"); return; }
        if (points.Count == 0) { errors.Add("points", "there is nothing to fit: no points (a sweep contributes its finished runs with a validation loss)"); return; }

        for (var i = 0; i < points.Count && !errors.IsFull; i++)
        {
            var p = points[i];
            if (!(double.IsFinite(p.N) && p.N > 0)) errors.Add($"points[{i}].n", "must be a positive number of parameters");
            if (!(double.IsFinite(p.D) && p.D > 0)) errors.Add($"points[{i}].d", "must be a positive number of tokens");
            if (!(double.IsFinite(p.Loss) && p.Loss > 0)) errors.Add($"points[{i}].loss", "must be a positive number");
            if (p.Flops is { } f && !(double.IsFinite(f) && f > 0)) errors.Add($"points[{i}].flops", "must be a positive number when given");
            if (p.Group is { Length: > 64 }) errors.Add($"points[{i}].group", "must be at most 64 characters");
        }
        if (!errors.IsEmpty) return;

        foreach (var group in points.GroupBy(p => p.Group ?? "all"))
        {
            var field = points.Any(p => p.Group is not null) ? $"group '{group.Key}'" : "points";
            var g = group.ToList();
            var needed = ParameterCount(options) + 1;
            switch (options.Law)
            {
                case FitLaw.Chinchilla:
                    if (g.Count < needed) errors.Add(field, $"has {g.Count} points; the Chinchilla law has 5 parameters and needs at least {needed}");
                    else if (g.Select(p => p.N).Distinct().Count() < 2 || g.Select(p => p.D).Distinct().Count() < 2)
                        errors.Add(field, "needs at least two distinct model sizes and two distinct token counts");
                    break;
                case FitLaw.Compute:
                    var used = options.FrontierOnly ? ComputeLawFitter.Frontier(g) : g;
                    if (used.Count < needed)
                        errors.Add(field, $"has {used.Count} {(options.FrontierOnly ? "points on its compute-efficient frontier" : "points")}; this law has {needed - 1} parameters and needs at least {needed}");
                    break;
                case FitLaw.IsoFlop:
                    var usable = IsoFlopAnalysis.GroupByBudget(g).Count(b => IsoFlopAnalysis.Profile(b) is not null);
                    if (usable < 2)
                        errors.Add(field, $"needs at least two compute budgets, each with {IsoFlopAnalysis.MinPointsPerBudget} or more model sizes whose losses bracket a minimum; found {usable}");
                    break;
            }
        }
    }
}
