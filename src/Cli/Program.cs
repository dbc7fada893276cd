using ScaleLab.Cli;
using Spectre.Console;

// scalelab submit SPEC [--watch] | scalelab sweep ID     (--api URL, --api-key KEY; or SCALELAB_API, SCALELAB_API_KEY)
var options = CliOptions.Parse(args);
if (options.Error is not null)
{
    Console.Error.WriteLine(options.Error);
    Console.Error.WriteLine(CliOptions.Usage);
    return 2;
}

// Redirected output (logs, CI) has no terminal width; keep the results table on one line per run.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;

using var http = new HttpClient { BaseAddress = options.Api, Timeout = TimeSpan.FromSeconds(30) };
var api = new ApiClient(http, options.ApiKey);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    switch (options.Command)
    {
        case "submit":
        {
            var spec = await File.ReadAllTextAsync(options.Argument!, cts.Token);
            var accepted = await api.SubmitAsync(spec, cts.Token);
            AnsiConsole.MarkupLine($"Sweep [bold]{accepted.SweepId}[/] accepted with {accepted.RunCount} runs");
            if (!options.Watch) return 0;
            var detail = await SweepWatch.WatchAsync(api, accepted.SweepId, AnsiConsole.Console, cts.Token);
            AnsiConsole.Write(SweepWatch.ResultsTable(detail));
            return detail.Sweep.Status == ScaleLab.Sweeps.SweepStatus.Succeeded ? 0 : 1;
        }
        case "sweep":
        {
            var detail = await api.GetSweepAsync(Guid.Parse(options.Argument!), cts.Token);
            AnsiConsole.Write(SweepWatch.ResultsTable(detail));
            return 0;
        }
    }
}
catch (ApiException ex)
{
    Console.Error.WriteLine($"The API refused ({ex.Status}):{Environment.NewLine}{ex.Message}");
    return 1;
}
catch (HttpRequestException ex)
{
    Console.Error.WriteLine($"Cannot reach the ScaleLab API at {options.Api}: {ex.Message}");
    return 1;
}
catch (FileNotFoundException ex)
{
    Console.Error.WriteLine($"No such spec file: {ex.FileName}");
    return 2;
}
return 2;
