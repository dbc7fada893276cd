using ScaleLab.Client;
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
            CreateCommand(),
            Action("pause", "Stop firing until resumed", async (api, id, key, ct) => (await api.SetSchedulePausedAsync(id, true, key, ct)).OrThrow()),
            Action("resume", "Fire again from the next scheduled time", async (api, id, key, ct) => (await api.SetSchedulePausedAsync(id, false, key, ct)).OrThrow()),
            Action("trigger", "Fire now for the latest scheduled time (at most one study per scheduled time)",
                async (api, id, key, ct) => (await api.TriggerScheduleAsync(id, key, ct)).OrThrow()),
            Action("delete", "Delete a schedule (its studies stay)", async (api, id, key, ct) => (await api.DeleteScheduleAsync(id, key, ct)).OrThrow()),
        };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var schedules = await api.ListSchedulesAsync(ct);
            if (!ApiOptions.PrintedJson(parse, schedules)) Show(schedules);
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
            var specJson = await File.ReadAllTextAsync(file.FullName, ct);
            try { JsonNode.Parse(specJson); }
            catch (System.Text.Json.JsonException ex)
            {
                Console.Error.WriteLine($"{file.Name} is not valid JSON: {ex.Message}");
                return 2;
            }
            var created = (await api.CreateScheduleAsync(parse.GetValue(name)!, parse.GetValue(cron)!, parse.GetValue(zone)!, specJson, ApiOptions.KeyOf(parse), ct)).OrThrow();
            Show([created]);
            return 0;
        }));
        return command;
    }

    private static Command Action(string verb, string description, Func<ScaleLabApi, Guid, string?, CancellationToken, Task> call)
    {
        var id = new Argument<Guid>("id") { Description = "the schedule id" };
        var command = new Command(verb, description) { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            await call(api, parse.GetValue(id), ApiOptions.KeyOf(parse), ct);
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
