using System.CommandLine;
using System.Text.Json.Nodes;
using ScaleLab.Schedules;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>
/// `schedules` lists cron-scheduled studies; `schedules create NAME CRON SPEC [--time-zone Z]`, `pause ID`,
/// `resume ID`, `trigger ID` and `delete ID` manage them.
/// </summary>
public static class SchedulesCommand
{
    public static Command Create()
    {
        var command = new Command("schedules", "List and manage studies that run on a cron schedule")
        {
            CreateCommand(), Action("pause", "Stop firing until resumed", HttpMethod.Post, "/pause"),
            Action("resume", "Fire again from the next scheduled time", HttpMethod.Post, "/resume"),
            Action("trigger", "Fire now for the latest scheduled time (at most one study per scheduled time)", HttpMethod.Post, "/trigger"),
            Action("delete", "Delete a schedule (its studies stay)", HttpMethod.Delete, ""),
        };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            Show(await api.GetAsync<List<ScheduleView>>("api/schedules", ct));
            return 0;
        }));
        return command;
    }

    private static Command CreateCommand()
    {
        var name = new Argument<string>("name") { Description = "schedule name (each firing's study is named NAME <scheduled time>)" };
        var cron = new Argument<string>("cron") { Description = "cron: 5 fields, or 6 with seconds first; quote it" };
        var spec = new Argument<FileInfo>("spec") { Description = "sweep spec file (JSON)" };
        var zone = new Option<string>("--time-zone") { Description = "IANA time zone of the cron", DefaultValueFactory = _ => "UTC" };
        var command = new Command("create", "Schedule a study") { name, cron, spec, zone };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var file = parse.GetValue(spec)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No such spec file: {file.FullName}");
                return 2;
            }
            JsonNode? specNode;
            try { specNode = JsonNode.Parse(await File.ReadAllTextAsync(file.FullName, ct)); }
            catch (System.Text.Json.JsonException ex)
            {
                Console.Error.WriteLine($"{file.Name} is not valid JSON: {ex.Message}");
                return 2;
            }
            var body = new JsonObject { ["name"] = parse.GetValue(name), ["cron"] = parse.GetValue(cron), ["timeZone"] = parse.GetValue(zone), ["spec"] = specNode };
            var created = await api.SendAsync<ScheduleView>(HttpMethod.Post, "api/schedules", body.ToJsonString(), ct);
            Show([created]);
            return 0;
        }));
        return command;
    }

    private static Command Action(string verb, string description, HttpMethod method, string suffix)
    {
        var id = new Argument<Guid>("id") { Description = "the schedule id" };
        var command = new Command(verb, description) { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            await api.SendAsync<bool>(method, $"api/schedules/{parse.GetValue(id)}{suffix}", null, ct);
            AnsiConsole.MarkupLine($"Schedule {parse.GetValue(id)}: {verb} done.");
            return 0;
        }));
        return command;
    }

    private static void Show(IReadOnlyList<ScheduleView> schedules)
    {
        var table = new Table().Title("Schedules").AddColumns("Id", "Name", "Cron", "Time zone", "State", "Next firing (UTC)", "Firings", "Last study");
        foreach (var s in schedules)
            table.AddRow(s.Id.ToString(), Markup.Escape(s.Name), Markup.Escape(s.Cron), s.TimeZone, s.Paused ? "paused" : "active",
                s.NextFireAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") ?? "-", s.Firings.ToString(),
                s.RecentFirings.FirstOrDefault()?.SweepId.ToString() ?? "-");
        AnsiConsole.Write(table);
    }
}
