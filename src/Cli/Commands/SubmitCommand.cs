using System.CommandLine;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

public static class SubmitCommand
{
    public static Command Create()
    {
        var spec = new Argument<FileInfo>("spec") { Description = "the sweep spec (JSON)" };
        var watch = new Option<bool>("--watch") { Description = "show live progress until the sweep finishes, then its results" };
        var command = new Command("submit", "Submit a sweep spec") { spec, watch };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var file = parse.GetValue(spec)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No such spec file: {file.FullName}");
                return 2;
            }
            var accepted = await api.SubmitAsync(await File.ReadAllTextAsync(file.FullName, ct), ct);
            AnsiConsole.MarkupLine($"Sweep [bold]{accepted.SweepId}[/] accepted with {accepted.RunCount} runs");
            if (!parse.GetValue(watch)) return 0;
            var detail = await SweepWatch.WatchAsync(api, accepted.SweepId, AnsiConsole.Console, ct);
            AnsiConsole.Write(SweepWatch.ResultsTable(detail));
            return detail.Sweep.Status == ScaleLab.Sweeps.SweepStatus.Succeeded ? 0 : 1;
        }));
        return command;
    }
}
