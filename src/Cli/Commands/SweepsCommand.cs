using ScaleLab.Client;
using System.CommandLine;
using Spectre.Console;
using ScaleLab.Scaling;

namespace ScaleLab.Cli.Commands;

/// <summary>`sweeps [--search TEXT] [--tag T] [--archived] [--page N]`: the sweeps, newest first.</summary>
public static class SweepsCommand
{
    public static Command Create()
    {
        var search = new Option<string?>("--search") { Description = "only sweeps whose name contains this" };
        var page = new Option<int>("--page") { Description = "page number (20 a page)", DefaultValueFactory = _ => 1 };
        var tag = new Option<string?>("--tag") { Description = "only sweeps with this tag" };
        var archived = new Option<bool>("--archived") { Description = "archived sweeps too" };
        var command = new Command("sweeps", "List sweeps with status and progress") { search, tag, archived, page };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var result = await api.ListSweepsAsync(parse.GetValue(page), 20, parse.GetValue(search), tag: parse.GetValue(tag),
                includeArchived: parse.GetValue(archived), ct: ct);
            if (ApiOptions.PrintedJson(parse, result)) return 0;
            var table = new Table().Title($"Sweeps (page {result.PageNumber}, {result.Total} in all)")
                .AddColumns("Id", "Name", "Kind", "Status", "Runs done", "Failed", "Planned FLOPs", "Created (UTC)", "Tags");
            var digits = IdPrefix.DistinctDigits(result.Items.Select(s => s.Id));
            foreach (var s in result.Items)
                table.AddRow(IdPrefix.Short(s.Id, digits), Markup.Escape(s.Name), s.Kind, s.StatusText, $"{s.RunsFinished}/{s.RunCount}",
                    s.RunsFailed.ToString(), NumberFormat.Short(s.PlannedFlops), s.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm"),
                    Markup.Escape(string.Join(", ", [.. s.Tags ?? [], .. s.Archived ? ["(archived)"] : Array.Empty<string>()])));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
