using System.CommandLine;
using ScaleLab.Cli.Commands;
using Spectre.Console;

// Redirected output (logs, CI) has no terminal width; keep tables on one line per row.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;

var root = new RootCommand("ScaleLab: scaling-law and ablation studies")
{
    ApiOptions.Api, ApiOptions.ApiKey, ApiOptions.Json,
    SubmitCommand.Create(), PreviewCommand.Create(), SweepsCommand.Create(), SweepCommand.Create(), WatchCommand.Create(), RunsCommand.Create(), RunCommand.Create(), PredictCommand.Create(),
    CancelCommand.Create(), AnnotateCommand.Create(),
    SchedulesCommand.Create(), FitCommand.Create(), DatasetsCommand.Create(),
};
// No response files (@FILE): an API key that starts with '@' would be taken for a file name and printed in the error.
var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
// Ctrl-C (SIGINT) and SIGTERM cancel the command's token and give it 2 s to finish (`watch` stops cleanly, exit 130).
// System.CommandLine 2.0.0 documents this as its default, but without a timeout it leaves the signals unhandled.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(2) });
