using System.CommandLine;
using ScaleLab.Catalog;
using ScaleLab.Client;
using ScaleLab.Scaling;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>`run RUN [--sweep SWEEP]`: one run's status, accounting, losses, predicted final loss, metrics and artifacts, and its log.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var id = IdArguments.Run();
        var sweep = IdArguments.SweepOption($"the run's sweep, to look a short run id up in: {IdPrefix.Rule}");
        var command = new Command("run", "Show a run: status, steps, accounting, losses, metrics, artifacts and its log") { id, sweep };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var runId = await IdArguments.RunIdAsync(api, parse.GetValue(id)!, id.Name, parse.GetValue(sweep), sweep.Name, ct);
            var detail = ApiOptions.Found(await api.GetRunAsync(runId, ct), $"run {runId}");
            if (ApiOptions.PrintedJson(parse, detail)) return 0;
            var prediction = detail.MetricNames.Contains(ScaleLab.Runs.MetricNames.Loss) ? await api.GetLossPredictionAsync(runId, ct) : null;
            AnsiConsole.Write(Facts(detail, prediction));
            AnsiConsole.Write(Log(await api.GetRunLogAsync(runId, ct)));
            return 0;
        }));
        return command;
    }

    private static Table Facts(RunDetail detail, LossPredictionView? prediction)
    {
        var r = detail.Run;
        var table = new Table().Title(Markup.Escape($"Run {r.Name} ({IdPrefix.Short(r.Id)})")).AddColumns("", "");
        table.ShowHeaders = false;
        foreach (var (name, value) in new (string, string)[]
        {
            ("Id", r.Id.ToString()),
            ("Sweep", r.SweepId.ToString()),
            ("Status", r.Status + (r.Error is null ? "" : $": {r.Error}")),
            ("Steps", $"{r.StepsDone}/{r.TotalSteps}, attempt {r.Attempt}" + (r.SlotId is null ? "" : $" on {r.SlotId}")),
            ("Params", $"{NumberFormat.Short(r.NonEmbeddingParameters)} non-embedding, {NumberFormat.Short(r.TotalParameters)} in all"),
            ("Tokens", NumberFormat.Short(r.PlannedTokens)),
            ("FLOPs", NumberFormat.Short(r.PlannedFlops)),
            ("Loss", $"last {NumberFormat.Short(r.LastLoss)}, final {NumberFormat.Short(r.FinalLoss)}, validation {NumberFormat.Short(r.FinalValLoss)}"),
            ("Predicted", prediction is null ? "–" : LossCurves.LossPredictionText.Sentence(prediction)),
            ("Wall clock", r.WallClockSeconds is { } s ? TimeSpan.FromSeconds(s).ToString(@"hh\:mm\:ss") : "–"),
            ("Lineage", Lineage(detail)),
            ("Metrics", string.Join(", ", detail.MetricNames)),
            ("Artifacts", string.Join(", ", detail.Artifacts.Select(a => $"{a.Name} ({NumberFormat.Short(a.Bytes)} bytes)"))),
        })
            table.AddRow(name, Markup.Escape(value));
        return table;
    }

    private static string Lineage(RunDetail detail) => string.Join("; ", new[]
    {
        detail.Parent is { } p ? $"branches off {p.Name} ({IdPrefix.Short(p.Id)}) at its step {p.Step}" : null,
        detail.Branches.Count > 0 ? "branches: " + string.Join(", ", detail.Branches.Select(b => $"{b.Name} ({IdPrefix.Short(b.Id)}) at step {b.Step}, {b.Status}")) : null,
    }.Where(s => s is not null).DefaultIfEmpty("trained from scratch, nothing branches off it"));

    private static Table Log(IReadOnlyList<RunLogLine> lines)
    {
        var table = new Table().Title("Log").AddColumns("At (UTC)", "Attempt", "From", "Step", "What");
        foreach (var line in lines)
            table.AddRow(line.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"), line.Attempt.ToString(), Markup.Escape(line.Source),
                line.Step?.ToString() ?? "", Markup.Escape(line.Message));
        return table;
    }
}
