using System.Globalization;
using System.Text.Json;
using ScaleLab.Runs;
using ScaleLab.Scaling;

namespace ScaleLab.Sweeps;

/// <summary>
/// Law-based early stopping (<see cref="EarlyStoppingMethods.Law"/>; issue 16 after Tissue et al. 2024): a run whose
/// predicted final loss is confidently off the compute-optimal frontier stops. The frontier at a run's compute budget
/// is the best loss of its rivals: the other runs of the sweep at the same budget (within
/// <see cref="IsoFlopAnalysis.BudgetTolerance"/> decades of FLOPs) and of the same frontier group (<see cref="Group"/>:
/// everything but size, learning rate and seed equal, so an ablation's arms are never decided by it). A finished
/// rival's loss is its final training loss; a running rival's, the upper end of its own latest predicted interval. The
/// run stops when the low end of its own interval is above that best: trained to its end, it would most likely not be
/// the budget's best, so the IsoFLOP minimum does not need it. The budget's best so far and the sizes next to it are
/// never stopped, nor a run that would leave fewer than <see cref="EarlyStopping.Keep"/> others, so every profile keeps
/// points on both sides of its minimum. Pure;
/// the sweep grain feeds it the predictions (<c>LossPredictions</c>) and the rivals' standing.
/// </summary>
public static class LawStopping
{
    /// <summary>A run as the rule judges it: its prediction at <paramref name="Step"/> of <paramref name="TotalSteps"/>.</summary>
    public sealed record Candidate(Guid RunId, double Flops, double Parameters, string Group, int Step, int TotalSteps, double Loss, double Low, double High, double Level);

    /// <summary>
    /// Another run of the sweep: <paramref name="Loss"/> is its final loss when <see cref="RivalStatus.Finished"/>,
    /// the high end of its latest prediction when <see cref="RivalStatus.Training"/> (null before it has one).
    /// </summary>
    public sealed record Rival(Guid RunId, string Name, double Flops, double Parameters, string Group, RivalStatus Status, double? Loss);

    public enum RivalStatus
    {
        /// <summary>Queued or running: it will give its budget a point.</summary>
        Training,

        /// <summary>Succeeded: its point is in.</summary>
        Finished,

        /// <summary>Stopped, failed or cancelled: no point.</summary>
        Out,
    }

    /// <summary>Which runs compete for one frontier point: the config without its size, learning rate, seed, length and bookkeeping.</summary>
    public static string Group(RunConfig c) =>
        JsonSerializer.Serialize(RunBookkeeping.Without(c) with { DModel = 0, NLayers = 0, NHeads = 0, LearningRate = 0 }, SpecJson.Options);

    /// <summary>
    /// The step to judge a run at now, having been judged through <paramref name="judgedThrough"/>: its current step,
    /// once it has passed a fraction of <see cref="EarlyStopping.JudgedAt"/> not yet judged; null otherwise. A run
    /// resumed past several fractions is judged once.
    /// </summary>
    public static int? Due(EarlyStopping rule, int step, int totalSteps, int judgedThrough)
    {
        if (step >= totalSteps) return null;   // it has finished anyway
        var passed = rule.JudgedAt().Select(f => (int)Math.Ceiling(f * totalSteps)).Where(s => s <= step && s > judgedThrough).ToList();
        return passed.Count == 0 ? null : step;
    }

    /// <summary>
    /// Why the candidate stops now, or null to let it train on. Besides its interval being above the best rival, the
    /// budget must keep its IsoFLOP profile: the best run of the budget so far and the <see cref="EarlyStopping.Keep"/>/2
    /// sizes nearest it on each side are never stopped (a parabola needs points on both sides of its minimum), and at
    /// least <see cref="EarlyStopping.Keep"/> other runs must be left.
    /// </summary>
    public static string? Judge(EarlyStopping rule, Candidate candidate, IReadOnlyList<Rival> rivals)
    {
        if (!double.IsFinite(candidate.Low)) return null;
        var atBudget = rivals.Where(r => r.RunId != candidate.RunId && r.Group == candidate.Group && SameBudget(r.Flops, candidate.Flops)
            && r.Status != RivalStatus.Out).ToList();
        if (atBudget.Count < rule.Keep) return null;
        var known = atBudget.Where(r => r.Loss is { } l && double.IsFinite(l)).ToList();
        if (known.MinBy(r => r.Loss) is not { } best || candidate.Low <= best.Loss) return null;
        if (IsBesideTheBest(rule, candidate, known, best)) return null;
        var how = best.Status == RivalStatus.Finished ? "reached" : "predicted at most";
        return string.Create(CultureInfo.InvariantCulture,
            $"stopped by the loss law at step {candidate.Step} of {candidate.TotalSteps}: its final loss is predicted {candidate.Loss:F4} " +
            $"[{candidate.Low:F4}, {candidate.High:F4}] ({candidate.Level:P0} interval), above the {best.Loss:F4} {how} by {best.Name} at the same budget");
    }

    /// <summary>Whether the candidate is among the Keep/2 sizes nearest the budget's best on its side of it (by parameters).</summary>
    private static bool IsBesideTheBest(EarlyStopping rule, Candidate candidate, IReadOnlyList<Rival> known, Rival best)
    {
        var perSide = rule.Keep / 2;
        if (perSide == 0 || candidate.Parameters == best.Parameters) return false;
        var smaller = candidate.Parameters < best.Parameters;
        var sizes = known.Select(r => r.Parameters).Append(candidate.Parameters)
            .Where(n => smaller ? n < best.Parameters : n > best.Parameters).Distinct()
            .OrderBy(n => Math.Abs(Math.Log(n / best.Parameters))).Take(perSide);
        return sizes.Contains(candidate.Parameters);
    }

    /// <summary>Whether two runs' FLOPs are one budget, as the IsoFLOP analysis groups them.</summary>
    public static bool SameBudget(double a, double b) =>
        a > 0 && b > 0 && Math.Abs(Math.Log10(a) - Math.Log10(b)) <= IsoFlopAnalysis.BudgetTolerance;
}
