using ScaleLab.Client;
using System.CommandLine;
using Spectre.Console;
using ScaleLab.Scaling;

namespace ScaleLab.Cli.Commands;

public static class PreviewCommand
{
    public static Command Create()
    {
        var spec = new Argument<FileInfo>("spec") { Description = "the sweep spec (JSON)" };
        var command = new Command("preview", "Expand a spec without running it: runs, parameters, tokens, FLOPs, estimated time") { spec };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var file = parse.GetValue(spec)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No such spec file: {file.FullName}");
                return 2;
            }
            var preview = (await api.PreviewAsync(await File.ReadAllTextAsync(file.FullName, ct), ct)).OrThrow();
            if (ApiOptions.PrintedJson(parse, preview)) return 0;
            var table = new Table().Title(Markup.Escape($"{preview.Name} ({preview.Kind}): {preview.RunCount} runs"))
                .AddColumns("Run", "Params (non-emb)", "Tokens", "FLOPs", "Spends", "Est. device time");
            foreach (var r in preview.Runs)
                table.AddRow(Markup.Escape(r.Name + (r.BranchOf is { } trunk ? $" (branches off {trunk})" : "")), r.NonEmbeddingParameters.ToString("N0"),
                    r.Tokens.ToString("N0"), NumberFormat.Short(r.Flops), NumberFormat.Short(r.OwnFlops), TimeSpan.FromSeconds(r.EstimatedDeviceSeconds).ToString(@"hh\:mm\:ss"));
            table.Caption(Markup.Escape($"total {NumberFormat.Short(preview.TotalFlops)} FLOPs, about {TimeSpan.FromSeconds(preview.EstimatedDeviceSeconds):hh\\:mm\\:ss} of device time " +
                $"at {NumberFormat.Short(preview.DeviceFlopsPerSecond)} FLOP/s, {TimeSpan.FromSeconds(preview.EstimatedWallSeconds):hh\\:mm\\:ss} on {preview.Slots} slot(s)"));
            AnsiConsole.Write(table);
            if (preview.SavingText() is { } saving) AnsiConsole.WriteLine(saving);
            foreach (var warning in preview.Warnings) AnsiConsole.MarkupLine("[yellow]warning:[/] " + Markup.Escape(warning));
            return 0;
        }));
        return command;
    }
}
