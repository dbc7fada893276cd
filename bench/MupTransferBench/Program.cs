using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

// Does the best learning rate transfer across width (issue #16 item 3)? For the runs trained by bench/mup-transfer.sh
// (DIR/NAME.json configs, DIR/NAME/metrics.jsonl curves): each parametrization's final validation loss at every width
// and rate, each width's best rate, and, between the narrowest and the widest width, how many grid steps the best rate
// moved and what the widest model loses when trained at the narrowest one's best rate. A rate "transfers" when it
// moved by less than one grid step (Yang et al. 2022: under μP it should not move; under the standard
// parametrization it falls as width grows).
// usage: mup-transfer-bench DIR
var dir = args[0];
var runs = Directory.GetFiles(dir, "*.json").Order().Select(path =>
{
    var config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(path), SpecJson.Options)!;
    var metrics = Path.Combine(Path.ChangeExtension(path, null), "metrics.jsonl");
    var last = File.Exists(metrics) ? File.ReadLines(metrics).Select(l => JsonNode.Parse(l)!).LastOrDefault(n => n[MetricNames.ValLoss] is not null) : null;
    return (Config: config, Finished: last is not null && (int)last["step"]! == config.Steps, Loss: last is null ? double.NaN : (double)last[MetricNames.ValLoss]!);
}).Where(r => r.Finished).ToList();

var rates = runs.Select(r => r.Config.LearningRate).Distinct().Order().ToList();
var widths = runs.Select(r => r.Config.DModel).Distinct().Order().ToList();
var step = rates.Count > 1 ? Math.Log(rates[^1] / rates[0]) / (rates.Count - 1) : 1;   // one grid step, in ln(rate)
Console.WriteLine($"{runs.Count} finished runs in {dir}: widths {string.Join(", ", widths)}, {rates.Count} rates x{Math.Exp(step):0.##} apart");
Console.WriteLine();
Console.WriteLine("| parametrization | d_model | " + string.Join(" | ", rates.Select(Rate)) + " | best rate |");
Console.WriteLine("|---|---:|" + string.Concat(rates.Select(_ => "---:|")) + "---:|");
var best = new Dictionary<(string, int), (double Rate, double Loss)>();
foreach (var group in runs.GroupBy(r => (r.Config.Parametrization, r.Config.DModel)).OrderBy(g => g.Key.Parametrization == Parametrizations.Standard ? 0 : 1).ThenBy(g => g.Key.DModel))
{
    var finite = group.Where(r => double.IsFinite(r.Loss)).ToList();
    if (finite.Count == 0) continue;
    var min = finite.MinBy(r => r.Loss);
    best[group.Key] = (min.Config.LearningRate, min.Loss);
    var atEdge = min.Config.LearningRate == rates[0] || min.Config.LearningRate == rates[^1] ? " (edge)" : "";
    var cells = rates.Select(lr => group.FirstOrDefault(r => r.Config.LearningRate == lr) is { Config: not null } r
        ? double.IsFinite(r.Loss) ? (r.Loss == min.Loss ? $"**{r.Loss:F4}**" : $"{r.Loss:F4}") : "diverged"
        : "");
    Console.WriteLine($"| {group.Key.Parametrization} | {group.Key.DModel} | {string.Join(" | ", cells)} | {Rate(min.Config.LearningRate)}{atEdge} |");
}
Console.WriteLine();
Console.WriteLine($"| parametrization | best rate at d={widths[0]} | at d={widths[^1]} | moved (grid steps) | transfers | d={widths[^1]} at d={widths[0]}'s best rate: loss above its best |");
Console.WriteLine("|---|---:|---:|---:|---|---:|");
foreach (var parametrization in runs.Select(r => r.Config.Parametrization).Distinct().OrderBy(p => p == Parametrizations.Standard ? 0 : 1))
{
    if (!best.TryGetValue((parametrization, widths[0]), out var narrow) || !best.TryGetValue((parametrization, widths[^1]), out var wide)) continue;
    var moved = Math.Log(wide.Rate / narrow.Rate) / step;
    var transferred = runs.FirstOrDefault(r => r.Config.Parametrization == parametrization && r.Config.DModel == widths[^1] && r.Config.LearningRate == narrow.Rate).Loss;
    Console.WriteLine($"| {parametrization} | {Rate(narrow.Rate)} | {Rate(wide.Rate)} | {moved:+0.#;-0.#;0} | {(Math.Abs(moved) < 1 ? "yes" : "no")} | " +
        (double.IsFinite(transferred) ? $"{transferred - wide.Loss:+0.0000;-0.0000;0}" : "diverged") + " |");
}
return 0;

static string Rate(double lr) => lr.ToString("0.#####", CultureInfo.InvariantCulture);
