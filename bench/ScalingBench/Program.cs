using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.Distributions;
using ScaleLab.Scaling;

// Benchmarks the approach-3 fit (full default grid) and bootstrap refits on synthetic points, on one thread
// and on all cores. Writes the points to OUT/points.csv so the scipy reference fits the very same data, and
// prints one JSON line of results (bench/scaling-fit.sh turns both into the table in docs/benchmarks.md).
var pointsCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 250;
var bootstrap = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
var outDir = args.Length > 2 ? args[2] : Path.GetTempPath();

var truth = new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28);
var noise = new Normal(0, 0.01, new Random(1));
double[] LogSpace(double a, double b, int k) => Enumerable.Range(0, k).Select(i => a * Math.Pow(b / a, i / (k - 1.0))).ToArray();
var ns = LogSpace(1e7, 1e10, pointsCount / 10);
var points = (from n in ns from d in LogSpace(1e9, 1e12, 10) select new ScalingPoint(n, d, truth.Predict(n, d) * Math.Exp(noise.Sample()))).ToList();
Directory.CreateDirectory(outDir);
File.WriteAllLines(Path.Combine(outDir, "points.csv"),
    ["n,d,loss", .. points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.N:R},{p.D:R},{p.Loss:R}"))]);

ChinchillaFitter.Fit(points.Take(20).ToList(), starts: ChinchillaFitter.DefaultStarts.Take(50)); // JIT warm-up

(ChinchillaLaw Law, double Seconds, long Evaluations) TimeFit(int threads)
{
    var before = CountEvaluations();
    var clock = Stopwatch.StartNew();
    var (law, _) = ChinchillaFitter.Fit(points, maxThreads: threads);
    return (law, clock.Elapsed.TotalSeconds, CountEvaluations() - before);
}

(double Seconds, double AlphaLow, double AlphaHigh) TimeBootstrap(ChinchillaLaw start, int threads)
{
    var clock = Stopwatch.StartNew();
    var options = new FitOptions { Law = FitLaw.Chinchilla, Bootstrap = bootstrap, Seed = 1, MaxThreads = threads };
    var full = new ChinchillaLawFit(start, FlopsPerToken.SixN) { FittedPoints = points };
    var replicates = Bootstrap.Run(full, options);
    var seconds = clock.Elapsed.TotalSeconds;
    var alphas = replicates.Select(r => r.Parameters["alpha"]).Order().ToArray();
    return (seconds, Estimate.Percentile(alphas, 0.025), Estimate.Percentile(alphas, 0.975));
}

long CountEvaluations() => LbfgsFromStarts.Evaluations;

var one = TimeFit(1);
var all = TimeFit(Environment.ProcessorCount);
var bootOne = TimeBootstrap(one.Law, 1);
var bootAll = TimeBootstrap(one.Law, Environment.ProcessorCount);

Console.WriteLine(JsonSerializer.Serialize(new
{
    engine = "ScaleLab (C#, MathNet L-BFGS, AVX2 objective)",
    points = points.Count, starts = ChinchillaFitter.DefaultStarts.Count, bootstrap, cores = Environment.ProcessorCount,
    fit_1core_s = one.Seconds, fit_allcores_s = all.Seconds, evaluations = one.Evaluations,
    bootstrap_1core_s = bootOne.Seconds, bootstrap_allcores_s = bootAll.Seconds,
    E = one.Law.E, A = one.Law.A, B = one.Law.B, alpha = one.Law.Alpha, beta = one.Law.Beta,
    alpha_ci = new[] { bootOne.AlphaLow, bootOne.AlphaHigh },
}));
