using ScaleLab.Client;
using System.CommandLine;
using System.Text.Json.Nodes;
using ScaleLab.Schedules;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>
/// `schedules` lists cron-scheduled studies; `schedules create NAME CRON SPEC [--time-zone Z]`, `pause ID`,
/// `resume ID`, `trigger ID` and `delete ID` manage them (ID whole or a unique prefix, as sweeps take it).
/// </summary>
public static class SchedulesCommand
{
    public static Command Create()
    {
        // --json: pause and resume print the schedule as the API answers; trigger and delete, whose answers have no
        // body, what was done to which schedule.
        var command = new Command("schedules", "List and manage studies that run on a cron schedule")
        {
            CreateCommand(),
            Action("pause", "Stop firing until resumed", async (api, id, key, ct) => (await api.SetSchedulePausedAsync(id, true, key, ct)).OrThrow()),
            Action("resume", "Fire again from the next scheduled time", async (api, id, key, ct) => (await api.SetSchedulePausedAsync(id, false, key, ct)).OrThrow()),
            Action("trigger", "Fire now for the latest scheduled time (at most one study per scheduled time)", async (api, id, key, ct) =>
            {
                (await api.TriggerScheduleAsync(id, key, ct)).OrThrow();
                return new { ScheduleId = id, Triggered = true };
            }),
            Action("delete", "Delete a schedule (its studies stay)", async (api, id, key, ct) =>
            {
                (await api.DeleteScheduleAsync(id, key, ct)).OrThrow();
                return new { ScheduleId = id, Deleted = true };
            }),
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
            if (!ApiOptions.PrintedJson(parse, created)) Show([created]);
            return 0;
        }));
        return command;
    }

    /// <param name="call">Does it to the schedule and returns what --json prints.</param>
    private static Command Action(string verb, string description, Func<ScaleLabApi, Guid, string?, CancellationToken, Task<object>> call)
    {
        var schedule = IdArguments.Schedule();
        var command = new Command(verb, description) { schedule };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var id = await IdArguments.ScheduleIdAsync(api, parse, schedule, ct);
            var done = await call(api, id, ApiOptions.KeyOf(parse), ct);
            if (!ApiOptions.PrintedJson(parse, done)) AnsiConsole.MarkupLine($"Schedule {id}: {verb} done.");
            return 0;
        }));
        return command;
    }

    private static void Show(IReadOnlyList<ScheduleView> schedules)
    {
        var table = new Table().Title("Schedules").AddColumns("Id", "Name", "Cron", "Time zone", "State", "Next firing (UTC)", "Firings", "Last study");
        // Ids as long as needed to tell the listed ones apart, and each can be typed back (schedules pause ID); the
        // studies of schedules firing in the same minute share their first 8 digits (IdPrefix.DistinctDigits).
        var digits = IdPrefix.DistinctDigits(schedules.Select(s => s.Id));
        var studyDigits = IdPrefix.DistinctDigits(schedules.SelectMany(s => s.RecentFirings.Take(1)).Select(f => f.SweepId));
        foreach (var s in schedules)
            table.AddRow(IdPrefix.Short(s.Id, digits), Markup.Escape(s.Name), Markup.Escape(s.Cron), s.TimeZone, s.Paused ? "paused" : "active",
                s.NextFireAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") ?? "-", s.Firings.ToString(),
                s.RecentFirings.FirstOrDefault() is { } last ? IdPrefix.Short(last.SweepId, studyDigits) : "-");
        AnsiConsole.Write(table);
    }
}
