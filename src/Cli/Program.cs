using System.CommandLine;
using ScaleLab.Cli.Commands;
using Spectre.Console;

// Redirected output (logs, CI) has no terminal width; keep tables on one line per row.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;

var root = new RootCommand("ScaleLab: scaling-law and ablation studies")
{
    ApiOptions.Api, ApiOptions.ApiKey, ApiOptions.Json,
    SubmitCommand.Create(), PreviewCommand.Create(), SweepsCommand.Create(), SweepCommand.Create(), RunsCommand.Create(), RunCommand.Create(),
    CancelCommand.Create(), AnnotateCommand.Create(),
    SchedulesCommand.Create(), FitCommand.Create(), DatasetsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
