using ScaleLab.Client;
using System.CommandLine;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

public static class CancelCommand
{
    public static Command Create()
    {
        var id = IdArguments.Sweep();
        var command = new Command("cancel", "Cancel a sweep: queued runs never start, running ones stop") { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var sweepId = await IdArguments.SweepIdAsync(api, parse, id, ct);
            var sweep = (await api.CancelSweepAsync(sweepId, ApiOptions.KeyOf(parse), ct)).OrThrow();
            if (ApiOptions.PrintedJson(parse, sweep)) return 0;
            AnsiConsole.MarkupLine(Markup.Escape($"Sweep {sweep.Name} ({sweep.Id}): {sweep.Status}, {sweep.RunsFinished} of {sweep.RunCount} runs had finished"));
            return 0;
        }));
        return command;
    }
}
