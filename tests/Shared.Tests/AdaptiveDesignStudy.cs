using MathNet.Numerics.Distributions;
using ScaleLab.Models;
using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

/// <summary>
/// Studies an adaptive design is measured on (AdaptiveDesignTests, AdaptiveCrossingTests, bench/AdaptiveDesignBench):
/// the candidates are an IsoFLOP grid as ScaleLab designs one, sizes log-spaced from N₀/spread to N₀·spread around the
/// prior optimum N₀ = √(C/120) at every budget, D = C/6N; a run's loss is Hoffmann et al.'s L(N, D) (a = 0.452) times
/// e^(σε), or for a run of the group "gla" (<see cref="Pairs"/>), <see cref="Gla"/>'s.
/// </summary>
public sealed class AdaptiveDesignStudy
{
    /// <summary>Hoffmann et al.'s fitted law (as <c>Synthetic.Hoffmann</c>).</summary>
    public static readonly ChinchillaLaw Truth = new(E: 1.69, A: 406.4, B: 410.7, Alpha: 0.34, Beta: 0.28);

    /// <summary>
    /// A second architecture for crossings: a lower floor E (1.65) with a larger A (450), so it is worse than
    /// <see cref="Truth"/> at small compute and better beyond their crossing, about 1.6e20 FLOPs under C = 6ND.
    /// </summary>
    public static readonly ChinchillaLaw Gla = new(E: 1.65, A: 450, B: 410.7, Alpha: 0.34, Beta: 0.28);

    /// <summary>The law a run's loss is drawn from: <paramref name="gla"/>'s (<see cref="Gla"/>) for the group "gla", else <see cref="Truth"/>'s.</summary>
    public static ChinchillaLaw LawOf(CandidateRun run, ChinchillaLaw? gla = null) => run.Group == "gla" ? gla ?? Gla : Truth;

    /// <summary>Every candidate of <paramref name="grid"/> once as "gla" and once as "softmax".</summary>
    public static List<CandidateRun> Pairs(IEnumerable<CandidateRun> grid) =>
        [.. grid.SelectMany(c => new[] { c with { Group = "gla" }, c with { Group = "softmax" } })];

    /// <summary>Five budgets √10 apart, 1e18 to 1e20 FLOPs.</summary>
    public static readonly double[] Budgets = [1e18, 3.16e18, 1e19, 3.16e19, 1e20];

    private readonly Dictionary<CandidateRun, double[]> _noise;
    private readonly ChinchillaLaw _gla;

    /// <summary>
    /// <paramref name="candidates"/> with losses drawn for <paramref name="seed"/>: each run's k-th training (k up to
    /// <paramref name="trainings"/>) draws the k-th ε of its own stream, so every design sees the same loss for the same run.
    /// </summary>
    public AdaptiveDesignStudy(IReadOnlyList<CandidateRun> candidates, double sigma, int seed, int trainings = 2, ChinchillaLaw? gla = null)
    {
        _gla = gla ?? Gla;
        Candidates = candidates;
        var normal = new Normal(0, sigma, new Random(seed));
        _noise = candidates.Distinct().ToDictionary(c => c, _ => Enumerable.Range(0, trainings).Select(_ => normal.Sample()).ToArray());
    }

    public IReadOnlyList<CandidateRun> Candidates { get; }

    public double WholeGrid => Candidates.Sum(c => c.Compute);

    /// <summary>A fresh trainer: the first training of each run gets its first draw, the second its second.</summary>
    public Func<CandidateRun, double> Trainer()
    {
        var trained = new Dictionary<CandidateRun, int>();
        return run =>
        {
            var k = trained[run] = trained.GetValueOrDefault(run) + 1;
            return LawOf(run, _gla).Predict(run.N, run.D) * Math.Exp(_noise[run][k - 1]);
        };
    }

    /// <summary>Each run trained once.</summary>
    public List<ScalingPoint> Train(IEnumerable<CandidateRun> runs)
    {
        var train = Trainer();
        return runs.Select(r => r.Trained(train(r))).ToList();
    }

    /// <summary>The grid: at every budget, <paramref name="sizes"/> sizes log-spaced from N₀/spread to N₀·spread.</summary>
    public static List<CandidateRun> Grid(IReadOnlyList<double> budgets, int sizes = 7, double spread = 4) =>
        budgets.SelectMany(c => Enumerable.Range(0, sizes).Select(i =>
            CandidateRun.AtBudget(ModelSizing.PriorOptimalParameters(c) / spread * Math.Pow(spread * spread, i / (sizes - 1.0)), c))).ToList();

    /// <summary>A smaller grid of the same shape: the <paramref name="budgets"/> cheapest budgets x the <paramref name="sizes"/> middle sizes of each.</summary>
    public static List<CandidateRun> SubGrid(IReadOnlyList<CandidateRun> grid, int budgets, int sizes) =>
        grid.GroupBy(c => c.Group).SelectMany(group => group.GroupBy(c => c.Compute).OrderBy(g => g.Key).Take(budgets)
            .SelectMany(g => g.OrderBy(c => c.N).Skip((g.Count() - sizes) / 2).Take(sizes))).ToList();

    /// <summary>Where <paramref name="gla"/>'s (<see cref="Gla"/>'s) and <see cref="Truth"/>'s compute-optimal loss curves cross, as log10 of the FLOPs.</summary>
    public static double TrueCrossing(ChinchillaLaw? gla = null)
    {
        static LawFit Fit(ChinchillaLaw law) => new ChinchillaLawFit(law, FlopsPerToken.SixN) { FittedPoints = [] };
        return Math.Log10(FrontierCrossings.Find("gla", Fit(gla ?? Gla), "softmax", Fit(Truth), 1e15, 1e28).Compute!.Value);
    }
}
