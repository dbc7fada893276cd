using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Scaling;

/// <summary>
/// What a researcher should be told before trusting a fit: exponents that are not positive (the data do not show
/// loss falling with scale), derived quantities that do not exist, bootstrap refits that failed.
/// </summary>
public static class FitWarnings
{
    public static IReadOnlyList<string> For(FitResult result)
    {
        var warnings = new List<string>();
        foreach (var g in result.Groups)
        {
            var prefix = result.Groups.Count > 1 ? g.Group + ": " : "";
            foreach (var key in new[] { "alpha", "beta" })
                if (g.Parameters.TryGetValue(key, out var e) && !(e.Value > 0))
                    warnings.Add($"{prefix}{key} = {Numbers.Format(e.Value)} is not positive: in these runs loss does not fall with " +
                                 $"{(key == "alpha" ? "model size" : "tokens")}; add runs over a wider range before trusting this law.");
            var missing = g.Derived.Where(kv => !double.IsFinite(kv.Value.Value)).Select(kv => kv.Key).ToList();
            if (missing.Count > 0)
                warnings.Add($"{prefix}{string.Join(", ", missing)} cannot be derived from these parameters (no compute-optimal allocation exists).");
            if (result.Bootstrap > 0 && g.BootstrapUsed < result.Bootstrap / 2)
                warnings.Add($"{prefix}only {g.BootstrapUsed} of {result.Bootstrap} bootstrap refits succeeded; the intervals rest on few resamples.");
        }
        return warnings;
    }
}
