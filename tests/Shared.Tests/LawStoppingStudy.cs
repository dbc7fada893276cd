using ScaleLab.LossCurves;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;

namespace ScaleLab.Shared.Tests;


/// <summary>
/// A study drawn from a known law, for law-based stopping: an IsoFLOP grid whose sizes every budget shares (7 sizes
/// log-spaced from a third of the smallest budget's optimum to 3x the largest's), budgets 5x apart, cosine runs at one
/// peak rate. Each size's training loss follows the annealing law (Tissue et al. 2024)
/// L = E + A/N^α + B'·S1^−β − C·S2 with Hoffmann et al.'s E, A, α, β, and B' = B·(η/tokens per step)^β, so a run
/// trained to its end lands near Hoffmann's L(N, D) (its cosine's forward area is about 0.55 of η·steps, and C·S2 its
/// cooldown's gain): N_opt(C)'s exponent is β/(α+β) = 0.452. Logged every 1 % of a run with Gaussian noise.
/// </summary>
public sealed record LawStoppingStudy(IReadOnlyList<LawStoppingReplay.Run> Runs, IReadOnlyDictionary<Guid, double> TrueFinalLoss, IReadOnlyDictionary<Guid, ScalingPoint> Truth)
{
    public const double Peak = 3e-3, AnnealingGain = 0.03, Noise = 0.01;
    public const int BatchSize = 64, SeqLen = 1024;

    public static readonly double[] Budgets = [1e18, 5e18, 2.5e19];

    /// <summary>Hoffmann et al.'s fitted law (as <c>Synthetic.Hoffmann</c>; this file is also linked into bench/LawStoppingBench).</summary>
    public static readonly ChinchillaLaw Law = new(E: 1.69, A: 406.4, B: 410.7, Alpha: 0.34, Beta: 0.28);

    public static LawStoppingStudy Draw(int seed)
    {
        var law = Law;
        var (smallest, largest) = (law.ComputeOptimal(Budgets[0]).N / 3, law.ComputeOptimal(Budgets[^1]).N * 3);
        var sizes = Enumerable.Range(0, 7).Select(i => smallest * Math.Pow(largest / smallest, i / 6.0)).ToArray();
        var random = new Random(seed);
        var runs = new List<LawStoppingReplay.Run>();
        var truth = new Dictionary<Guid, double>();
        var points = new Dictionary<Guid, ScalingPoint>();
        const int tokensPerStep = BatchSize * SeqLen;
        var dataTerm = law.B * Math.Pow(Peak / tokensPerStep, law.Beta);
        foreach (var c in Budgets)
            foreach (var n in sizes)
            {
                var config = new RunConfig
                {
                    // The size as a shape the config can name: d_model carries N, so each size is its own arm.
                    DModel = (int)Math.Round(n / 1e4), NLayers = 1, NHeads = 1, BatchSize = BatchSize, SeqLen = SeqLen,
                    Tokens = (long)Math.Round(c / (6 * n) / tokensPerStep) * tokensPerStep, LearningRate = Peak, WarmupSteps = 20, Schedule = "cosine",
                };
                config = config with { LogInterval = Math.Max(1, config.Steps / 100) };
                var annealing = new AnnealingLaw(law.E + law.A / Math.Pow(n, law.Alpha), dataTerm, law.Beta, AnnealingGain);
                var steps = Enumerable.Range(1, config.Steps / config.LogInterval).Select(i => i * config.LogInterval).Append(config.Steps).Distinct().ToList();
                var areas = ScheduleAreas.Of(config, steps);
                var curve = steps.Select(s => new CurvePoint(s, annealing.Loss(areas, s) + Noise * Gaussian(random))).ToList();
                var id = Guid.NewGuid();
                var d = (double)config.Tokens;
                runs.Add(new LawStoppingReplay.Run(id, $"C={c:0.#E+0}, N={n:0.##E+0}", config, 6 * n * d, n, curve, curve[^1].Loss));
                truth[id] = annealing.Loss(areas, config.Steps);
                points[id] = new ScalingPoint(n, d, curve[^1].Loss, 6 * n * d);
            }
        return new LawStoppingStudy(runs, truth, points);
    }

    /// <summary>The study's scaling points (final logged losses), leaving out <paramref name="stopped"/>.</summary>
    public List<ScalingPoint> Points(IReadOnlySet<Guid>? stopped = null) =>
        [.. Runs.Where(r => stopped?.Contains(r.RunId) != true).Select(r => Truth[r.RunId])];

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
