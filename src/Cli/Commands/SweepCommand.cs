using System.CommandLine;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

public static class SweepCommand
{
    public static Command Create()
    {
        var id = new Argument<Guid>("id") { Description = "the sweep id" };
        var command = new Command("sweep", "Show a sweep's runs and results") { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            AnsiConsole.Write(SweepWatch.ResultsTable(ApiOptions.Found(await api.GetSweepAsync(parse.GetValue(id), ct), $"sweep {parse.GetValue(id)}")));
            return 0;
        }));
        return command;
    }
}
