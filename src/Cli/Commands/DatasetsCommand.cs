using ScaleLab.Client;
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ScaleLab.Datasets;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>
/// `datasets add NAME SOURCE [...]` registers a data set and follows its tokenization to the end; `datasets list`
/// and `datasets show NAME` show the registered ones with their statistics (`--json`: the API's views).
/// </summary>
public static class DatasetsCommand
{
    private static readonly DatasetRegistration Defaults = new();
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create() => new("datasets", "Register data sets and see their tokenization and statistics")
    {
        AddCommand(), ListCommand(), ShowCommand(),
    };

    private static Command AddCommand()
    {
        var name = new Argument<string>("name") { Description = $"how runs name it: {DatasetNames.Rule}" };
        var source = new Argument<string>("source") { Description = "an absolute path on the workers (a file, or a folder of them), or blob://container/prefix" };
        var format = new Option<string>("--format") { Description = string.Join(", ", DatasetFormats.All), DefaultValueFactory = _ => Defaults.Format };
        var textField = new Option<string>("--text-field") { Description = "jsonl: the field holding each document's text", DefaultValueFactory = _ => Defaults.TextField };
        var tokenizers = new Option<string[]>("--tokenizer")
        {
            Description = $"one of {string.Join(", ", DatasetTokenizers.All)}; repeat for several tokenized copies",
            DefaultValueFactory = _ => [.. Defaults.Tokenizers],
        };
        var validation = new Option<double>("--validation-fraction") { Description = "share of the tokens held out for validation", DefaultValueFactory = _ => Defaults.ValidationFraction };
        var tokenBytes = new Option<int>("--token-bytes") { Description = "bin shards without llm.c's header: bytes per token, 2 or 4", DefaultValueFactory = _ => Defaults.TokenBytes };
        var noWait = new Option<bool>("--no-wait") { Description = "return once registered, without following the tokenization" };
        var command = new Command("add", "Register a data set (or add tokenizers to one) and follow its tokenization")
            { name, source, format, textField, tokenizers, validation, tokenBytes, noWait };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var registration = new DatasetRegistration
            {
                Name = parse.GetValue(name)!, Source = parse.GetValue(source)!, Format = parse.GetValue(format)!, TextField = parse.GetValue(textField)!,
                Tokenizers = parse.GetValue(tokenizers)!, ValidationFraction = parse.GetValue(validation), TokenBytes = parse.GetValue(tokenBytes),
            };
            HttpStatusCode outcome;
            DatasetView dataset;
            try
            {
                var registered = await api.RegisterDatasetAsync(registration, ApiOptions.KeyOf(parse), ct);
                dataset = registered.OrThrow();
                outcome = registered.Status!.Value;
            }
            catch (ApiException ex) when (ex.Status is 400 or 409)
            {
                Console.Error.WriteLine($"Cannot register {registration.Name}:{Environment.NewLine}{ex.Message}");
                return 2;
            }
            var requested = registration.Tokenizers.Select(DatasetTokenizers.Canonical).ToHashSet();
            var console = ApiOptions.Human(parse);
            console.MarkupLine(Markup.Escape(outcome switch
            {
                HttpStatusCode.Created => $"Registered data set {dataset.Name}; tokenizing with {string.Join(", ", requested)}",
                HttpStatusCode.Accepted => $"Data set {dataset.Name}: tokenizing with {string.Join(", ", requested)}",
                _ => $"Data set {dataset.Name} is already registered with the same data and tokenizers",
            }));
            if (parse.GetValue(noWait))
            {
                foreach (var t in Requested(dataset, requested)) console.MarkupLine(Markup.Escape($"{t.Tokenizer}: {StateOf(t)}"));
                ApiOptions.PrintedJson(parse, dataset);
                return 0;
            }
            dataset = parse.GetValue(ApiOptions.Json) ? await FollowAsync(api, dataset, requested, _ => { }, ct)   // shown to no one: stdout holds the JSON alone
                : Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? await FollowAsync(api, dataset, requested, LogChanges(), ct)
                : await AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(ctx => FollowAsync(api, dataset, requested, Bars(ctx), ct));
            var failed = Requested(dataset, requested).Where(t => t.Status == TokenizationStatus.Failed).ToList();
            // With --json the data set is printed failed or not (its jobs carry their errors), as `watch --json` prints a failed sweep.
            if (!ApiOptions.PrintedJson(parse, dataset) && failed.Count == 0) Write(dataset);
            foreach (var t in failed)
                Console.Error.WriteLine($"Tokenizing {dataset.Name} with {t.Tokenizer} failed:{Environment.NewLine}  {t.ErrorField ?? "dataset"}: {t.Error}");
            return failed.Count > 0 ? 2 : 0;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List registered data sets: status, size and tokens per tokenizer");
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var datasets = await api.ListDatasetsAsync(ct);
            if (ApiOptions.PrintedJson(parse, datasets)) return 0;
            var table = new Table().Title($"Data sets ({datasets.Count})")
                .AddColumns("Name", "Status", "Format", "Source", "Documents", "Bytes", "Tokens", "Content hash");
            foreach (var d in datasets)
                table.AddRow(Markup.Escape(d.Name), d.Status.ToString(), Markup.Escape(d.Format), Markup.Escape(d.Source), Count(d.Documents), Count(d.Bytes),
                    Markup.Escape(string.Join('\n', d.Tokenizations.Select(t => $"{t.Tokenizer} " +
                        (t.Status == TokenizationStatus.Succeeded ? Count(t.Tokens) : t.Status == TokenizationStatus.Running ? $"{t.Progress:P0}" : t.Status.ToString())))),
                    d.ContentHash?[..12] ?? "-");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command ShowCommand()
    {
        var name = new Argument<string>("name") { Description = "the data set's name" };
        var command = new Command("show", "Show a data set: statistics, and per tokenizer its job, tokens, splits and errors") { name };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            DatasetView dataset;
            try
            {
                dataset = ApiOptions.Found(await api.GetDatasetAsync(parse.GetValue(name)!, ct), $"data set {parse.GetValue(name)}");
            }
            catch (ApiException ex) when (ex.Status == 404)
            {
                Console.Error.WriteLine($"No data set named '{parse.GetValue(name)}'");
                return 1;
            }
            if (!ApiOptions.PrintedJson(parse, dataset)) Write(dataset);
            return 0;
        }));
        return command;
    }

    /// <summary>Polls the data set until every requested tokenization succeeded or one failed, showing each state it sees.</summary>
    private static async Task<DatasetView> FollowAsync(
        ScaleLabApi api, DatasetView dataset, IReadOnlySet<string> requested, Action<IReadOnlyList<TokenizationView>> show, CancellationToken ct)
    {
        while (true)
        {
            var jobs = Requested(dataset, requested);
            show(jobs);
            if (jobs.All(t => t.Status == TokenizationStatus.Succeeded) || jobs.Any(t => t.Status == TokenizationStatus.Failed)) return dataset;
            await Task.Delay(PollInterval, ct);
            dataset = ApiOptions.Found(await api.GetDatasetAsync(dataset.Name, ct), $"data set {dataset.Name}");
        }
    }

    /// <summary>For a terminal: a live bar per tokenizer.</summary>
    private static Action<IReadOnlyList<TokenizationView>> Bars(ProgressContext ctx)
    {
        var bars = new Dictionary<string, ProgressTask>();
        return jobs =>
        {
            foreach (var t in jobs)
            {
                if (!bars.TryGetValue(t.Tokenizer, out var bar)) bars[t.Tokenizer] = bar = ctx.AddTask(Markup.Escape(t.Tokenizer), maxValue: 1);
                bar.Value = t.Status == TokenizationStatus.Succeeded ? 1 : t.Progress;
                bar.Description = Markup.Escape($"{t.Tokenizer} [{StateOf(t, progress: false)}]");   // the bar shows the progress
            }
        };
    }

    /// <summary>For logs and CI: one line whenever a tokenization's state changes, no redrawn bars.</summary>
    private static Action<IReadOnlyList<TokenizationView>> LogChanges()
    {
        var last = new Dictionary<string, string>();
        return jobs =>
        {
            foreach (var t in jobs)
            {
                var state = StateOf(t);
                if (last.TryGetValue(t.Tokenizer, out var seen) && seen == state) continue;
                last[t.Tokenizer] = state;
                Console.WriteLine($"{DateTime.Now:HH:mm:ss} {t.Tokenizer}: {state}");
            }
        };
    }

    private static List<TokenizationView> Requested(DatasetView dataset, IReadOnlySet<string> requested) =>
        dataset.Tokenizations.Where(t => requested.Contains(t.Tokenizer)).ToList();

    private static string StateOf(TokenizationView t, bool progress = true) => t.Status switch
    {
        TokenizationStatus.Queued when t.Error is { } error => $"Queued again after: {error}",
        TokenizationStatus.Running => "Running" + (progress ? $" {t.Progress:P0}" : "") + (t.Attempt > 1 ? $" (attempt {t.Attempt})" : ""),
        TokenizationStatus.Succeeded => $"Succeeded, {Count(t.Tokens)} tokens",
        TokenizationStatus.Failed => $"Failed: {t.ErrorField}: {t.Error}",
        _ => t.Status.ToString(),
    };

    /// <summary>Everything about a data set: its statistics, per tokenizer the tokens and splits, then each job's details and errors.</summary>
    private static void Write(DatasetView d)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string? value) => grid.AddRow(Markup.Escape(key), Markup.Escape(value ?? "-"));
        Row("Data set", d.Name);
        Row("Status", d.Status.ToString());
        Row("Source", d.Source);
        Row("Format", d.Format + (d.TextField is { } field ? $" (text field '{field}')" : ""));
        Row("Validation", $"last {d.ValidationFraction.ToString("0.######", CultureInfo.InvariantCulture)} of the tokens");
        Row("Registered", $"{Time(d.CreatedAt)} by {d.Owner}");
        Row("Content hash", d.ContentHash);
        Row("Files", Count(d.Files));
        Row("Documents", Count(d.Documents));
        Row("Bytes", Count(d.Bytes));
        AnsiConsole.Write(grid);

        // Narrow enough for an 80-column terminal; the rest of each job is on the lines below.
        var table = new Table().AddColumns("Tokenizer", "Status", "Tokens", "Train", "Validation", "Bytes/token");
        foreach (var t in d.Tokenizations)
            table.AddRow(Markup.Escape(t.Tokenizer), Markup.Escape(t.Status == TokenizationStatus.Running ? $"Running {t.Progress:P0}" : t.Status.ToString()),
                Count(t.Tokens), Count(t.TrainTokens), Count(t.ValidationTokens), t.TokensPerByte is > 0 and var tpb ? (1 / tpb).ToString("F2") : "-");
        AnsiConsole.Write(table);
        foreach (var t in d.Tokenizations)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"{t.Tokenizer}: attempt {t.Attempt} on {t.Worker ?? "-"}, {Time(t.StartedAt)} to {Time(t.FinishedAt)}; " +
                $"validation {Count(t.ValidationBytes)} bytes; shards {t.ShardPrefix ?? "-"}" +
                (t.SkippedLines is > 0 ? $", {t.SkippedLines:N0} lines without the text field skipped" : "")));
            if (t.Error is not null)
                AnsiConsole.MarkupLine((t.Status == TokenizationStatus.Failed ? "[red]error:[/] " : "[yellow]retried after:[/] ") +
                    Markup.Escape($"{t.Tokenizer}: {t.ErrorField ?? "dataset"}: {t.Error}"));
        }
    }

    private static string Count(long? n) => n?.ToString("N0") ?? "-";

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + " UTC" : "-";
}
