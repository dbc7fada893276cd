using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.LossCurves;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

// How well the annealing law predicts a run's final loss from the start of its curve (issue #16): for every run of a
// study trained by bench/loss-prediction.sh (DIR/NAME.json configs, DIR/NAME/metrics.jsonl curves), and for each
// fraction of its steps, the final training loss predicted from that fraction alone (refused where the run has not
// annealed enough for the law's C), and with the finished runs of the same width (its arm) as siblings, against the
// loss it reached; beside them the naive estimate, the loss
// logged so far. Prints medians and 90th percentiles of the absolute errors, and how often the 90% interval covered.
// usage: loss-prediction-bench DIR [fractions, default 0.2,0.3,0.5]
var dir = args[0];
var fractions = (args.Length > 1 ? args[1] : "0.2,0.3,0.5").Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
var runs = Directory.GetFiles(dir, "*.json").Order().Select(path =>
{
    var config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), SpecJson.Options)!;
    var points = File.ReadLines(Path.Combine(Path.ChangeExtension(path, null), "metrics.jsonl"))
        .Select(line => JsonNode.Parse(line)!)
        .Where(node => node[MetricNames.Loss] is not null)
        .Select(node => new CurvePoint((int)node["step"]!, (double)node[MetricNames.Loss]!)).ToList();
    var curve = LossCurve.Of(config, points);
    return (Name: Path.GetFileNameWithoutExtension(path), Config: config, Curve: curve);
}).Where(r => r.Curve.Points.Count > 0 && r.Curve.Points[^1].Step == r.Config.Steps).ToList();

Console.WriteLine($"{runs.Count} finished runs in {dir}");
Console.WriteLine("| from | runs | alone: median error | alone: p90 | alone: covered | with siblings: median error | with siblings: p90 | with siblings: covered | loss so far: median error | loss so far: p90 |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var fraction in fractions)
{
    var alone = new List<(double Error, bool Covered)>();
    var withSiblings = new List<(double Error, bool Covered)>();
    var naive = new List<double>();
    foreach (var run in runs)
    {
        var actual = run.Curve.Points[^1].Loss;
        var known = run.Curve.Through((int)(fraction * run.Config.Steps));
        if (known.Points.Count == 0) continue;
        naive.Add(Math.Abs(known.Points[^1].Loss - actual));
        var siblings = runs.Where(o => o.Name != run.Name && o.Config.DModel == run.Config.DModel).Select(o => o.Curve).ToList();
        Score(LossCurvePredictor.Predict(known, []), actual, alone);
        Score(LossCurvePredictor.Predict(known, siblings), actual, withSiblings);
        Console.Error.WriteLine($"{run.Name} from {fraction:P0}: actual {actual:F4}, so far {known.Points[^1].Loss:F4}, " +
            $"alone {Describe(LossCurvePredictor.Predict(known, [], new(Bootstrap: 0)))}, with siblings {Describe(LossCurvePredictor.Predict(known, siblings, new(Bootstrap: 0)))}");
    }
    Console.WriteLine($"| {fraction:P0} | {naive.Count} | {Median(alone)} | {P90(alone)} | {Covered(alone)} | {Median(withSiblings)} | {P90(withSiblings)} | {Covered(withSiblings)} | " +
        $"{Quantile(naive, 0.5):F4} | {Quantile(naive, 0.9):F4} |");
}
return 0;

static void Score(LossCurvePrediction? prediction, double actual, List<(double, bool)> into)
{
    if (prediction is null) { into.Add((double.NaN, false)); return; }
    into.Add((Math.Abs(prediction.Loss - actual), actual >= prediction.Low && actual <= prediction.High));
}

static string Describe(LossCurvePrediction? p) => p is null ? "none" : $"{p.Loss:F4}";
static string Median(List<(double Error, bool Covered)> s) => Format(Quantile(s.Select(x => x.Error).ToList(), 0.5), s);
static string P90(List<(double Error, bool Covered)> s) => Format(Quantile(s.Select(x => x.Error).ToList(), 0.9), s);
static string Covered(List<(double Error, bool Covered)> s) => $"{s.Count(x => x.Covered)} of {s.Count}";
static string Format(double value, List<(double Error, bool Covered)> s) =>
    s.All(x => double.IsNaN(x.Error)) ? $"– ({s.Count} refused)"
    : s.Any(x => double.IsNaN(x.Error)) ? $"{value:F4} ({s.Count(x => double.IsNaN(x.Error))} refused)" : $"{value:F4}";

static double Quantile(List<double> values, double q)
{
    var sorted = values.Where(double.IsFinite).Order().ToArray();
    return sorted.Length == 0 ? double.NaN : ScaleLab.Scaling.Estimate.Percentile(sorted, q);
}
