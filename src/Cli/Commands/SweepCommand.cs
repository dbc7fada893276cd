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
            var sweep = ApiOptions.Found(await api.GetSweepAsync(parse.GetValue(id), ct), $"sweep {parse.GetValue(id)}");
            if (ApiOptions.PrintedJson(parse, sweep)) return 0;
            AnsiConsole.Write(SweepWatch.ResultsTable(sweep));
            if (sweep.Sweep.Tags is { Count: > 0 } tags) AnsiConsole.MarkupLine(Markup.Escape($"Tags: {string.Join(", ", tags)}"));
            if (sweep.Sweep.Archived) AnsiConsole.MarkupLine("Archived.");
            if (sweep.Notes.Length > 0) AnsiConsole.WriteLine($"Notes:\n{sweep.Notes}");
            return 0;
        }));
        return command;
    }
}
