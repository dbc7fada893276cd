using System.Text.Json;
using ScaleLab.Catalog;
using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// Real runs with their curves: the 8 HMM runs trained on this machine for the loss-prediction benchmark
/// (bench/results/2026-12-02-loss-prediction: each run's config and its metrics.jsonl, every logged step). Each is
/// given as the API gives a run: its summary from its last logged step, its config, and its loss and validation-loss curves.
/// </summary>
internal static class TrainedRuns
{
    public sealed record Trained(RunDetail Detail, MetricSeries Loss, MetricSeries ValLoss)
    {
        public Guid Id => Detail.Run.Id;
        public string Name => Detail.Run.Name;
    }

    private static readonly Guid SweepId = Guid.Parse("0193a000-0000-7000-8000-00000000c0de");

    public static IReadOnlyList<Trained> All { get; } =
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "trained-runs"), "*.metrics.jsonl").Order(StringComparer.Ordinal).Select(Load)];

    public static Trained Named(string name) => All.Single(r => r.Name == name);

    private static Trained Load(string metricsFile)
    {
        var name = Path.GetFileName(metricsFile).Replace(".metrics.jsonl", "");
        var config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(Path.Combine(Path.GetDirectoryName(metricsFile)!, name + ".json")), SpecJson.Options)!;
        var points = File.ReadLines(metricsFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var last = points[^1];
        var id = new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(name)));
        var summary = new RunSummary(id, SweepId, name, RunStatus.Succeeded, TransformerShape.NonEmbeddingParameters(config), TransformerShape.TotalParameters(config),
            config.Tokens, last.GetProperty("flops").GetDouble(), 1, last.GetProperty("step").GetInt32(), config.Steps,
            last.GetProperty("loss").GetDouble(), last.GetProperty("loss").GetDouble(), last.GetProperty("val_loss").GetDouble(), null, null,
            last.GetProperty("wall_clock_s").GetDouble());
        MetricSeries Curve(string metric)
        {
            var logged = points.Where(p => p.TryGetProperty(metric, out _)).ToList();
            return new MetricSeries(id, metric, [.. logged.Select(p => p.GetProperty("step").GetInt32())], [.. logged.Select(p => p.GetProperty(metric).GetDouble())],
                [.. logged.Select(p => p.GetProperty("tokens").GetInt64())], [.. logged.Select(p => p.GetProperty("flops").GetDouble())]);
        }
        return new Trained(new RunDetail(summary, config, [], [MetricNames.Loss, MetricNames.ValLoss]), Curve(MetricNames.Loss), Curve(MetricNames.ValLoss));
    }
}
