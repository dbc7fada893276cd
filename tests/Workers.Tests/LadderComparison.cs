using System.Globalization;
using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Workers.Tests;

/// <summary>
/// Both studies of a <see cref="LadderStudy"/> once trained, side by side: the compute each spent as ScaleLab counts
/// it (<see cref="Sweeps.PlannedRun.OwnFlops"/>: a trunk once, a branch only its cooldown), and N_opt(C)'s exponent a
/// with its 95 % bootstrap interval from each. The grid is fitted by IsoFLOP profiles (approach 2) and, on the same
/// points, by L(N, D) (approach 3); the ladder by L(N, D) only, since its points lie on sizes × tokens per parameter,
/// not on budgets. Shared by LadderAgainstGridTests and bench/LadderBench (which links this file).
/// </summary>
public sealed record LadderComparison(
    IReadOnlyList<LadderComparison.Trained> Grid, IReadOnlyList<LadderComparison.Trained> Ladder, GroupFit GridProfiles, GroupFit GridLaw, GroupFit LadderLaw)
{
    public const int Bootstrap = 200;

    /// <summary>A run once trained: its final validation loss, the tokens its model saw (a branch's include its trunk's share), its own device seconds.</summary>
    public sealed record Trained(LadderStudy.Run Run, double Loss, long Tokens, double Seconds)
    {
        public ScalingPoint Point => Run.Point(Loss, Tokens);
    }

    public static LadderComparison Of(IReadOnlyList<Trained> runs)
    {
        var grid = runs.Where(r => r.Run.Study == LadderStudy.GridName).ToList();
        var ladder = runs.Where(r => r.Run.Study == LadderStudy.LadderName).ToList();
        return new LadderComparison(grid, ladder, Fit(grid, FitLaw.IsoFlop), Fit(grid, FitLaw.Chinchilla), Fit(ladder, FitLaw.Chinchilla));
    }

    private static GroupFit Fit(IReadOnlyList<Trained> runs, FitLaw law)
    {
        var errors = new ValidationErrors();
        var result = ScalingAnalysis.Run(runs.Select(r => r.Point).ToList(), new FitOptions { Law = law, Bootstrap = Bootstrap, Seed = 1 }, errors)
            ?? throw new InvalidOperationException($"{law} fit refused: {errors}");
        return result.Groups.Single();
    }

    public double GridCompute => Grid.Sum(r => r.Run.Planned.OwnFlops);

    public double LadderCompute => Ladder.Sum(r => r.Run.Planned.OwnFlops);

    /// <summary>What the ladder's points would cost trained from scratch, each its own run: what sharing the trunks saved.</summary>
    public double LadderFromScratch => Ladder.Sum(r => r.Run.Planned.Flops);

    public Estimate GridExponent => GridProfiles.Parameters["a"];

    public Estimate GridLawExponent => GridLaw.Derived["a"];

    public Estimate LadderExponent => LadderLaw.Derived["a"];

    public static bool Inside(Estimate value, Estimate interval) => value.Value >= interval.Low && value.Value <= interval.High;

    /// <summary>The side-by-side table (markdown), then a sentence on whether the ladder answered inside the grid's interval.</summary>
    public IEnumerable<string> Table()
    {
        static string Row(string study, int runs, string compute, string ratio, string seconds, Estimate a) =>
            string.Create(CultureInfo.InvariantCulture, $"| {study} | {runs} | {compute} | {ratio} | {seconds} | {a.Value:F3} | [{a.Low:F3}, {a.High:F3}] |");
        var ratio = LadderCompute / GridCompute;
        yield return "| study | runs | compute spent (FLOPs) | vs grid | device time (s) | N_opt exponent a | 95% interval |";
        yield return "|---|---:|---:|---:|---:|---:|---|";
        yield return Row("IsoFLOP grid (approach 2)", Grid.Count, $"{GridCompute:E2}", "1.00", $"{Grid.Sum(r => r.Seconds):F0}", GridExponent);
        yield return string.Create(CultureInfo.InvariantCulture,
            $"| the grid's points, L(N, D) (approach 3) | {Grid.Count} | | | | {GridLawExponent.Value:F3} | [{GridLawExponent.Low:F3}, {GridLawExponent.High:F3}] |");
        yield return Row("WSD ladder (approach 3)", Ladder.Count, $"{LadderCompute:E2}", $"{ratio:F2}", $"{Ladder.Sum(r => r.Seconds):F0}", LadderExponent);
        yield return "";
        yield return string.Create(CultureInfo.InvariantCulture,
            $"The ladder's exponent {LadderExponent.Value:F3} is {(Inside(LadderExponent, GridExponent) ? "inside" : "OUTSIDE")} the grid's interval [{GridExponent.Low:F3}, {GridExponent.High:F3}], " +
            $"for {ratio:P0} of its compute; the same ladder points trained from scratch would cost {LadderFromScratch / GridCompute:F2}x the grid.");
        yield return $"Against the same approach on the grid's points: {(Inside(LadderExponent, GridLawExponent) ? "inside" : "OUTSIDE")} [{GridLawExponent.Low:F3}, {GridLawExponent.High:F3}].";
    }
}
