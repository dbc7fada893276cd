using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

// Does the best learning rate transfer across width (issue #16 item 3)? For the runs trained by bench/mup-transfer.sh
// (DIR/NAME.json configs, DIR/NAME/metrics.jsonl or DIR/NAME.metrics.jsonl curves): each parametrization's final validation loss at every width
// and rate (the mean over seeds), each width's best rate, and between the narrowest and the widest width how far the
// best rate moved and what the widest model loses when trained at the narrowest one's best rate. The best rate is
// read two ways: the rate with the lowest loss, and the vertex of a parabola in ln(rate) through the 5 rates around
// it (less at the mercy of one run's noise where the loss is flat near its minimum). The rate "transfers" when the
// vertex moved by less than one grid step (Yang et al. 2022: under μP it should not move; under the standard
// parametrization it falls as width grows).
// usage: mup-transfer-bench DIR
var dir = args[0];
var runs = Directory.GetFiles(dir, "*.json").Order().Select(path =>
{
    var config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), SpecJson.Options)!;
    // The trainer's DIR/NAME/metrics.jsonl, or DIR/NAME.metrics.jsonl as bench/results keeps it.
    var metrics = Path.Combine(Path.ChangeExtension(path, null), "metrics.jsonl") is var trained && File.Exists(trained) ? trained : Path.ChangeExtension(path, ".metrics.jsonl");
    var last = File.Exists(metrics) ? File.ReadLines(metrics).Select(l => JsonNode.Parse(l)!).LastOrDefault(n => n[MetricNames.ValLoss] is not null) : null;
    return (Config: config, Finished: last is not null && (int)last["step"]! == config.Steps, Loss: last is null ? double.NaN : (double)last[MetricNames.ValLoss]!);
}).Where(r => r.Finished).ToList();

var rates = runs.Select(r => r.Config.LearningRate).Distinct().Order().ToList();
var widths = runs.Select(r => r.Config.DModel).Distinct().Order().ToList();
var seeds = runs.Select(r => r.Config.Seed).Distinct().Count();
var step = rates.Count > 1 ? Math.Log(rates[^1] / rates[0]) / (rates.Count - 1) : 1;   // one grid step, in ln(rate)
// The mean loss over seeds at each (parametrization, width, rate); NaN where a seed diverged.
var mean = runs.GroupBy(r => (r.Config.Parametrization, r.Config.DModel, r.Config.LearningRate))
    .ToDictionary(g => g.Key, g => g.Average(r => r.Loss));
Console.WriteLine($"{runs.Count} finished runs in {dir}: widths {string.Join(", ", widths)}, {rates.Count} rates x{Math.Exp(step):0.##} apart, {seeds} seed(s) each");
Console.WriteLine();
Console.WriteLine("| parametrization | d_model | " + string.Join(" | ", rates.Select(Rate)) + " | lowest | vertex |");
Console.WriteLine("|---|---:|" + string.Concat(rates.Select(_ => "---:|")) + "---:|---:|");
var best = new Dictionary<(string, int), (double Lowest, double? Vertex, double Loss)>();
foreach (var parametrization in Parametrizations().ToList())
    foreach (var width in widths)
    {
        var losses = rates.Select(lr => mean.GetValueOrDefault((parametrization, width, lr), double.NaN)).ToArray();
        if (!losses.Any(double.IsFinite)) continue;
        var i = Array.IndexOf(losses, losses.Where(double.IsFinite).Min());
        var vertex = Vertex(losses, i);
        best[(parametrization, width)] = (rates[i], vertex, losses[i]);
        var cells = losses.Select((l, j) => double.IsNaN(l) ? (mean.ContainsKey((parametrization, width, rates[j])) ? "diverged" : "") : j == i ? $"**{l:F4}**" : $"{l:F4}");
        Console.WriteLine($"| {parametrization} | {width} | {string.Join(" | ", cells)} | {Rate(rates[i])}{(i == 0 || i == rates.Count - 1 ? " (edge)" : "")} | " +
            (vertex is { } v ? Rate(v) : "–") + " |");
    }
Console.WriteLine();
Console.WriteLine($"| parametrization | best rate at d={widths[0]} (lowest; vertex) | at d={widths[^1]} | moved, grid steps (lowest; vertex) | transfers | d={widths[^1]} at d={widths[0]}'s lowest-loss rate: above its best |");
Console.WriteLine("|---|---:|---:|---:|---|---:|");
foreach (var parametrization in Parametrizations())
{
    if (!best.TryGetValue((parametrization, widths[0]), out var narrow) || !best.TryGetValue((parametrization, widths[^1]), out var wide)) continue;
    double Steps(double from, double to) => Math.Log(to / from) / step;
    var vertexMoved = narrow.Vertex is { } a && wide.Vertex is { } b ? Steps(a, b) : (double?)null;
    var transferred = mean.GetValueOrDefault((parametrization, widths[^1], narrow.Lowest), double.NaN);
    Console.WriteLine($"| {parametrization} | {Rate(narrow.Lowest)}; {Maybe(narrow.Vertex, Rate)} | {Rate(wide.Lowest)}; {Maybe(wide.Vertex, Rate)} | " +
        $"{Signed(Steps(narrow.Lowest, wide.Lowest), "0")}; {Maybe(vertexMoved, m => Signed(m, "0.0"))} | {(vertexMoved is { } m ? Math.Abs(m) < 1 ? "yes" : "no" : "–")} | " +
        (double.IsFinite(transferred) ? Signed(transferred - wide.Loss, "0.0000") : "diverged") + " |");
}
return 0;

IEnumerable<string> Parametrizations() => runs.Select(r => r.Config.Parametrization).Distinct().OrderBy(p => p == ScaleLab.Runs.Parametrizations.Standard ? 0 : 1);

// The vertex of the least-squares parabola in ln(rate) through the 5 rates around index i (shifted inwards at an
// edge), where it opens upwards and lies within them; else null.
double? Vertex(double[] losses, int i)
{
    var from = Math.Clamp(i - 2, 0, Math.Max(0, losses.Length - 5));
    var points = Enumerable.Range(from, Math.Min(5, losses.Length)).Where(j => double.IsFinite(losses[j])).Select(j => (X: Math.Log(rates[j]), Y: losses[j])).ToList();
    if (points.Count < 3) return null;
    var x0 = points.Average(p => p.X);
    // Normal equations for y = c0 + c1·u + c2·u², u = x − x0.
    double S(int k) => points.Sum(p => Math.Pow(p.X - x0, k));
    double T(int k) => points.Sum(p => p.Y * Math.Pow(p.X - x0, k));
    var m = new double[,] { { S(0), S(1), S(2) }, { S(1), S(2), S(3) }, { S(2), S(3), S(4) } };
    var c = Solve(m, [T(0), T(1), T(2)]);
    if (c[2] <= 0) return null;
    var u = -c[1] / (2 * c[2]);
    return u + x0 < points.Min(p => p.X) || u + x0 > points.Max(p => p.X) ? null : Math.Exp(u + x0);
}

static double[] Solve(double[,] a, double[] b)
{
    var n = b.Length;
    for (var col = 0; col < n; col++)
    {
        var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(a[r, col]));
        for (var k = 0; k < n; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
        (b[col], b[pivot]) = (b[pivot], b[col]);
        for (var r = col + 1; r < n; r++)
        {
            var f = a[r, col] / a[col, col];
            for (var k = col; k < n; k++) a[r, k] -= f * a[col, k];
            b[r] -= f * b[col];
        }
    }
    var x = new double[n];
    for (var r = n - 1; r >= 0; r--) x[r] = (b[r] - Enumerable.Range(r + 1, n - r - 1).Sum(k => a[r, k] * x[k])) / a[r, r];
    return x;
}

static string Rate(double lr) => lr.ToString("0.#####", CultureInfo.InvariantCulture);
static string Signed(double x, string format) => x.ToString("+" + format + ";-" + format + ";0", CultureInfo.InvariantCulture);
static string Maybe(double? x, Func<double, string> format) => x is { } v ? format(v) : "–";
