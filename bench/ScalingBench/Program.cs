using System.Diagnostics;
using MathNet.Numerics.Distributions;
using ScaleLab.Scaling;

// Probe: evaluations per start of the approach-3 grid on 250 synthetic points.
var truth = new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28);
var noise = new Normal(0, 0.01, new Random(1));
double[] LogSpace(double a, double b, int k) => Enumerable.Range(0, k).Select(i => a * Math.Pow(b / a, i / (k - 1.0))).ToArray();
var points = (from n in LogSpace(1e7, 1e10, 25) from d in LogSpace(1e9, 1e12, 10) select new ScalingPoint(n, d, truth.Predict(n, d) * Math.Exp(noise.Sample()))).ToList();
var objective = ChinchillaFitter.Objective(points, 1e-3);
var perStart = new List<(long Evals, double Value, double[] Start)>();
var clock = Stopwatch.StartNew();
foreach (var start in ChinchillaFitter.DefaultStarts)
{
    var before = LbfgsFromStarts.Evaluations;
    var (_, value) = LbfgsFromStarts.MinimizeFrom(objective, start);
    perStart.Add((LbfgsFromStarts.Evaluations - before, value, start));
}
Console.WriteLine($"{clock.Elapsed.TotalSeconds:F2} s, {LbfgsFromStarts.Evaluations} evaluations, {clock.Elapsed.TotalMicroseconds / LbfgsFromStarts.Evaluations:F1} us each");
var evals = perStart.Select(p => p.Evals).Order().ToArray();
Console.WriteLine($"evals per start: p50 {evals[evals.Length / 2]} p90 {evals[evals.Length * 9 / 10]} max {evals[^1]}");
var best = perStart.Min(p => p.Value);
Console.WriteLine($"starts within 1e-9 of best: {perStart.Count(p => p.Value - best < 1e-9)}");
foreach (var g in perStart.GroupBy(p => (p.Start[3], p.Start[4])).OrderByDescending(g => g.Sum(p => p.Evals)).Take(6))
    Console.WriteLine($"alpha0 {g.Key.Item1} beta0 {g.Key.Item2}: {g.Sum(p => p.Evals)} evals");
var grad = new double[5];
var theta = new double[] { 6, 6, 0.5, 0.34, 0.28 };
clock.Restart();
double acc = 0;
for (var k = 0; k < 100_000; k++) { theta[0] = 6 + k * 1e-9; acc += objective(theta, grad); }
Console.WriteLine($"objective alone: {clock.Elapsed.TotalMicroseconds / 100_000:F2} us per evaluation ({acc:E1})");
