

namespace ScaleLab.Scaling;

/// <summary>One compute budget of an IsoFLOP study: a parabola of loss in ln N and the size at its minimum.</summary>
public sealed record IsoFlopProfile(
    double Compute,
    int Points,
    double[] Parabola,
    double NOpt,
    double DOpt,
    double LossAtOpt);

/// <summary>y = K·C^exponent, fitted as a line in log-log space.</summary>
public sealed record PowerLaw(double K, double Exponent)
{
    public double At(double compute) => K * Math.Pow(compute, Exponent);

    public static PowerLaw FitLogLog(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var (intercept, slope) = global::MathNet.Numerics.Fit.Line(x.Select(v => Math.Log(v)).ToArray(), y.Select(v => Math.Log(v)).ToArray());
        return new PowerLaw(Math.Exp(intercept), slope);
    }
}

/// <summary>
/// Hoffmann et al.'s approach 2. Points are grouped into compute budgets (nearly equal C); per budget, loss is
/// fitted as a parabola in ln N, whose vertex is N_opt(C) and D_opt(C) = C / F(N_opt) under the study's compute
/// curve F (6N under C = 6ND); then N_opt(C) = k·C^a and D_opt(C) = k'·C^b across budgets.
/// The parabola is a local model of the minimum: a profile's losses rise far more steeply on the side of big models
/// with few tokens than a parabola does, and one diverged big run there can pull the vertex far off (on the H200
/// study, below the source's entropy rate). So each parabola is fitted to the <see cref="ParabolaSizes"/> sizes
/// around the lowest observed loss only; the sizes beyond are reported as left out.
/// </summary>
public static class IsoFlopAnalysis
{
    /// <summary>Budgets closer than this in log10 C (a factor of about 1.12) are the same budget.</summary>
    public const double BudgetTolerance = 0.05;

    public const int MinPointsPerBudget = 3;

    /// <summary>The most model sizes a budget's parabola is fitted to: the best observed size and its neighbours.</summary>
    public const int ParabolaSizes = 5;

    public static IReadOnlyList<IReadOnlyList<ScalingPoint>> GroupByBudget(IReadOnlyList<ScalingPoint> points)
    {
        var groups = new List<List<ScalingPoint>>();
        foreach (var p in points.OrderBy(p => p.Compute))
        {
            if (groups.Count == 0 || Math.Log10(p.Compute) - Math.Log10(groups[^1][0].Compute) > BudgetTolerance) groups.Add([]);
            groups[^1].Add(p);
        }
        return groups;
    }

    /// <summary>The profile of one budget, or null when its points do not bracket a minimum (no upward parabola, or its vertex outside the sizes tried).</summary>
    public static IsoFlopProfile? Profile(IReadOnlyList<ScalingPoint> budget, FlopsPerToken? flops = null)
    {
        if (budget.Select(p => p.N).Distinct().Count() < MinPointsPerBudget) return null;
        var near = NearTheMinimum(budget);
        var lnN = near.Select(p => Math.Log(p.N)).ToArray();
        var c = global::MathNet.Numerics.Fit.Polynomial(lnN, near.Select(p => p.Loss).ToArray(), 2); // c0 + c1·x + c2·x²
        if (!(c[2] > 0)) return null;
        var x = -c[1] / (2 * c[2]);
        if (x < lnN.Min() || x > lnN.Max()) return null; // a vertex outside the sizes tried is a guess, not a measured minimum
        var compute = Math.Exp(budget.Average(p => Math.Log(p.Compute)));
        var nOpt = Math.Exp(x);
        return new IsoFlopProfile(compute, near.Count, c, nOpt, (flops ?? FlopsPerToken.SixN).Tokens(compute, nOpt), c[0] + c[1] * x + c[2] * x * x);
    }

    /// <summary>
    /// The points a budget's parabola is fitted to: those of the <see cref="ParabolaSizes"/> sizes (in order of N)
    /// centred on the size with the lowest mean loss, shifted inwards at an edge; every point when there are no more.
    /// </summary>
    public static IReadOnlyList<ScalingPoint> NearTheMinimum(IReadOnlyList<ScalingPoint> budget)
    {
        var sizes = budget.GroupBy(p => p.N).Select(g => (N: g.Key, Loss: g.Average(p => p.Loss))).OrderBy(s => s.N).ToList();
        if (sizes.Count <= ParabolaSizes) return budget;
        var best = sizes.IndexOf(sizes.MinBy(s => s.Loss));
        var kept = sizes.Skip(Math.Clamp(best - ParabolaSizes / 2, 0, sizes.Count - ParabolaSizes)).Take(ParabolaSizes)
            .Select(s => s.N).ToHashSet();
        return budget.Where(p => kept.Contains(p.N)).ToList();
    }

    /// <summary>Why a point of a budget that has a profile is not in its parabola.</summary>
    public static readonly string OutsideParabola =
        $"they lie beyond the {ParabolaSizes} sizes around their budget's lowest loss, to which its parabola is fitted";

    /// <summary>Why a budget has no profile, in words for the points it leaves out.</summary>
    public static string WhyNoProfile(IReadOnlyList<ScalingPoint> budget)
    {
        var compute = Math.Exp(budget.Average(p => Math.Log(p.Compute))).ToString("0.##E+0", System.Globalization.CultureInfo.InvariantCulture);
        var sizes = budget.Select(p => p.N).Distinct().Count();
        return sizes < MinPointsPerBudget
            ? $"budget C={compute} has {sizes} model size(s); a profile needs {MinPointsPerBudget}"
            : $"the losses of budget C={compute} do not bracket a minimum (no upward parabola in ln N with its vertex among the sizes tried)";
    }

    /// <summary>Profiles of every budget that has a minimum, and the two allocation laws (null with fewer than two such budgets).</summary>
    public static (IReadOnlyList<IsoFlopProfile> Profiles, PowerLaw? NOpt, PowerLaw? DOpt) Fit(IReadOnlyList<ScalingPoint> points, FlopsPerToken flops)
    {
        var profiles = GroupByBudget(points).Select(b => Profile(b, flops)).OfType<IsoFlopProfile>().ToList();
        if (profiles.Count < 2) return (profiles, null, null);
        var compute = profiles.Select(p => p.Compute).ToList();
        return (profiles, PowerLaw.FitLogLog(compute, profiles.Select(p => p.NOpt).ToList()),
            PowerLaw.FitLogLog(compute, profiles.Select(p => p.DOpt).ToList()));
    }
}
