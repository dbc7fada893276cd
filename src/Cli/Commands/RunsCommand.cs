using System.CommandLine;
using ScaleLab.Catalog;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>`runs SWEEP`: every run of a sweep with its progress, attempts and where it trains.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var id = new Argument<Guid>("sweep") { Description = "the sweep id" };
        var command = new Command("runs", "List a sweep's runs: progress, attempts, slot, losses") { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var detail = ApiOptions.Found(await api.GetSweepAsync(parse.GetValue(id), ct), $"sweep {parse.GetValue(id)}");
            if (ApiOptions.PrintedJson(parse, detail.Runs)) return 0;
            var table = new Table().Title($"Runs of {Markup.Escape(detail.Sweep.Name)} ({detail.Sweep.Status})")
                .AddColumns("Run id", "Name", "Status", "Steps", "Attempt", "Slot", "Last loss", "Val loss");
            foreach (var r in detail.Runs)
                table.AddRow(r.Id.ToString(), Markup.Escape(r.Name), Markup.Escape(r.Status + (r.Error is null ? "" : $": {r.Error}")),
                    $"{r.StepsDone}/{r.TotalSteps}", r.Attempt.ToString(), Markup.Escape(r.SlotId ?? "-"),
                    (r.FinalLoss ?? r.LastLoss)?.ToString("F4") ?? "-", r.FinalValLoss?.ToString("F4") ?? "-");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
