using System.CommandLine;
using ScaleLab.Catalog;
using ScaleLab.Client;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>`annotate SWEEP [--tag T]... [--notes TEXT] [--archive | --unarchive]`: tags, notes and the archived flag of a sweep.</summary>
public static class AnnotateCommand
{
    public static Command Create()
    {
        var id = IdArguments.Sweep();
        var tags = new Option<string[]>("--tag") { Description = "a tag (repeat for several); the sweep's tags become exactly these", AllowMultipleArgumentsPerToken = false };
        var notes = new Option<string?>("--notes") { Description = "notes on the sweep (replace the old ones)" };
        var archive = new Option<bool>("--archive") { Description = "hide the sweep from lists and pickers (nothing is deleted)" };
        var unarchive = new Option<bool>("--unarchive") { Description = "show an archived sweep again" };
        var command = new Command("annotate", "Tag a sweep, write notes on it, or archive it") { id, tags, notes, archive, unarchive };
        command.Validators.Add(result =>
        {
            if (result.GetValue(archive) && result.GetValue(unarchive)) result.AddError("--archive and --unarchive cannot be used together");
        });
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var given = parse.GetResult(tags) is { Implicit: false } ? parse.GetValue(tags) : null;
            bool? archived = parse.GetValue(archive) ? true : parse.GetValue(unarchive) ? false : null;
            var change = new SweepAnnotations(given, parse.GetValue(notes), archived);
            var sweepId = await IdArguments.SweepIdAsync(api, parse, id, ct);
            var sweep = (await api.AnnotateSweepAsync(sweepId, change, ApiOptions.KeyOf(parse), ct)).OrThrow();
            if (ApiOptions.PrintedJson(parse, sweep)) return 0;
            AnsiConsole.MarkupLine(Markup.Escape($"Sweep {sweep.Sweep.Name} ({sweep.Sweep.Id}): tags [{string.Join(", ", sweep.Sweep.Tags ?? [])}]" +
                (sweep.Sweep.Archived ? ", archived" : "") + (sweep.Notes.Length > 0 ? $", notes: {sweep.Notes}" : "")));
            return 0;
        }));
        return command;
    }
}
