namespace ScaleLab.Scaling;

/// <summary>
/// What a researcher must be told, in words, before trusting a group's fit. Every client (CLI, API, dashboard) shows
/// these same sentences; docs/scaling-laws.md says what each means.
/// </summary>
public static class FitWarnings
{
    /// <summary>Fewer points per free parameter than this, or fewer IsoFLOP budgets than <see cref="MinBudgets"/>, is "too few".</summary>
    public const int MinDegreesOfFreedom = 5, MinBudgets = 3;

    /// <summary>Extrapolating further than this beyond the largest compute in the data is flagged.</summary>
    public const double MaxExtrapolation = 10;

    /// <summary>Tokens per parameter outside this range is not a real allocation (Chinchilla is ~20).</summary>
    public const double MinTokensPerParameter = 0.1, MaxTokensPerParameter = 1e5;

    /// <summary>A rollout that misses the held-out loss by more than 2 % (mean |ln|), or N_opt by more than 25 %, fails.</summary>
    public const double MaxRolloutLossError = 0.02, MaxRolloutNOptError = 0.223;

    /// <summary>
    /// Passes over the same data beyond which a point is flagged: Muennighoff et al. (2023) find repeated tokens worth
    /// almost as much as fresh ones up to about 4 epochs, and fast less beyond.
    /// </summary>
    public const double MaxEpochs = Datasets.RepeatedData.DefaultEpochLimit;

    public static IReadOnlyList<string> For(FitLaw law, GroupFit g, double targetCompute, double maxCompute, int bootstrapAsked)
    {
        var warnings = new List<string>();
        static string F(double x) => NumberFormat.Short(x);   // as the tables beside the warnings write it

        if (g.DegreesOfFreedom < MinDegreesOfFreedom)
            warnings.Add($"too few points: {g.DegreesOfFreedom} degrees of freedom (points used minus free parameters); at least {MinDegreesOfFreedom} are needed to judge the fit.");
        if (law == FitLaw.IsoFlop && g.Profiles.Count < MinBudgets)
            warnings.Add($"too few budgets: {g.Profiles.Count} IsoFLOP budgets have a minimum; with fewer than {MinBudgets} the exponents rest on a line through two points.");
        var repeated = g.Used.Where(r => r.Point.Epochs > MaxEpochs).ToList();
        if (repeated.Count > 0)
            warnings.Add($"{repeated.Count} of {g.Used.Count} points trained on repeated data (more than {MaxEpochs:0} epochs, up to {F(repeated.Max(r => r.Point.Epochs!.Value))}): " +
                         "repeated tokens are worth less than fresh ones, so these losses understate what the same compute buys on new data.");
        if (g.Excluded.Count > 0)
            warnings.Add($"{g.Excluded.Count} of {g.Excluded.Count + g.Used.Count} points were left out: " +
                string.Join("; ", g.Excluded.GroupBy(e => e.Reason).Select(r => $"{r.Count()} because {r.Key}")) + ".");
        foreach (var key in new[] { "alpha", "beta" })
            if (g.Parameters.TryGetValue(key, out var e) && !(e.Value > 0))
                warnings.Add($"{key} = {F(e.Value)} is not positive: in these runs loss does not fall with {(key == "alpha" ? "model size" : "tokens")}; " +
                             "add runs over a wider range before trusting this law.");
        foreach (var (key, e) in g.Parameters.Concat(g.Derived))
        {
            if (e.Low is not { } low || e.High is not { } high || !double.IsFinite(e.Value)) continue;
            if (high - low > Math.Abs(e.Value))
                warnings.Add($"{key} = {F(e.Value)} [{F(low)}, {F(high)}]: the interval is wider than the estimate itself; the data do not pin it down.");
            else if (e.Value <= low || e.Value >= high)
                warnings.Add($"{key} = {F(e.Value)} lies at the edge of its bootstrap range [{F(low)}, {F(high)}]: the fit sits on a boundary of what the resamples find.");
        }
        if (targetCompute > MaxExtrapolation * maxCompute)
            warnings.Add($"the target compute {F(targetCompute)} is {F(targetCompute / maxCompute)}x the largest in the data ({F(maxCompute)}); " +
                         $"beyond {MaxExtrapolation:0}x an extrapolation is a guess unless a rollout check supports it.");
        if (law == FitLaw.IsoFlop && g.Profiles.Count < IsoFlopLawFit.MinBudgetsForFloor && targetCompute > g.Profiles.Max(p => p.Compute) * 1.01)
            warnings.Add($"loss is not extrapolated beyond the largest budget: a loss floor (L = E + k·C^−γ through the budgets' minima) needs at least {IsoFlopLawFit.MinBudgetsForFloor} budgets.");
        var missing = g.Derived.Where(kv => !double.IsFinite(kv.Value.Value)).Select(kv => kv.Key).ToList();
        if (missing.Count > 0)
            warnings.Add($"{string.Join(", ", missing)} cannot be derived from these parameters (no compute-optimal allocation exists, or the law is not extrapolated that far).");
        if (g.Derived.TryGetValue("tokens_per_parameter", out var tpp) && double.IsFinite(tpp.Value) && tpp.Value is < MinTokensPerParameter or > MaxTokensPerParameter)
            warnings.Add($"tokens_per_parameter = {F(tpp.Value)} at the target is not a real allocation (Chinchilla's is about 20): the law's optimum lies far outside the data.");
        if (g.Derived.TryGetValue("loss_at_target", out var loss) && g.Parameters.TryGetValue("E", out var floor) && loss.Value < floor.Value)
            warnings.Add($"loss_at_target = {F(loss.Value)} is below the irreducible loss E = {F(floor.Value)}, which no model can reach.");
        if (g.Rollout is { LossError: > MaxRolloutLossError } r)
            warnings.Add($"the rollout check fails: refitted without {r.HeldOut}, the law misses its loss by {r.LossError:P1} on average; do not trust extrapolation.");
        if (g.Rollout is { NOptError: { } nError } r2 && Math.Abs(nError) > MaxRolloutNOptError)
            warnings.Add($"the rollout check fails: refitted without {r2.HeldOut}, the law puts its N_opt {Math.Exp(nError):0.##}x where that budget's own minimum is.");
        if (bootstrapAsked > 0 && g.BootstrapUsed < bootstrapAsked / 2)
            warnings.Add($"only {g.BootstrapUsed} of {bootstrapAsked} bootstrap refits succeeded; the intervals rest on few resamples.");
        return warnings;
    }
}
