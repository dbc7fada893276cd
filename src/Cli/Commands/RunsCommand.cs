using System.CommandLine;
using ScaleLab.Client;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>`runs SWEEP`: every run of a sweep with its progress, attempts and where it trains.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var id = IdArguments.Sweep();
        var command = new Command("runs", "List a sweep's runs: progress, attempts, slot, losses") { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var sweepId = await IdArguments.SweepIdAsync(api, parse, id, ct);
            var detail = ApiOptions.Found(await api.GetSweepAsync(sweepId, ct), $"sweep {sweepId}");
            if (ApiOptions.PrintedJson(parse, detail.Runs)) return 0;
            var table = new Table().Title(Markup.Escape($"Runs of {detail.Sweep.Name} ({IdPrefix.Short(detail.Sweep.Id)}): {detail.Sweep.Status}"))
                .AddColumns("Run id", "Name", "Status", "Steps", "Attempt", "Slot", "Last loss", "Val loss");
            var digits = IdPrefix.DistinctDigits(detail.Runs.Select(r => r.Id));
            foreach (var r in detail.Runs)
                table.AddRow(IdPrefix.Short(r.Id, digits), Markup.Escape(r.Name), Markup.Escape(r.Status + (r.Error is null ? "" : $": {r.Error}")),
                    $"{r.StepsDone}/{r.TotalSteps}", r.Attempt.ToString(), Markup.Escape(r.SlotId ?? "-"),
                    (r.FinalLoss ?? r.LastLoss)?.ToString("F4") ?? "-", r.FinalValLoss?.ToString("F4") ?? "-");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
