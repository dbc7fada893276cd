using ScaleLab.Client;
using System.CommandLine;
using ScaleLab.Scaling;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

public static class SubmitCommand
{
    /// <summary>Bootstrap refits of the fit `--fit` asks for: enough for 95 % intervals; `scalelab fit --sweep ID` chooses.</summary>
    public const int FitBootstrap = 200;

    public static Command Create()
    {
        var spec = new Argument<FileInfo>("spec") { Description = "the sweep spec (JSON)" };
        var watch = new Option<bool>("--watch") { Description = "follow the sweep until it finishes, then print its results, as `scalelab watch` does" };
        var fit = new Option<FitLaw?>("--fit")
        {
            Description = $"with --watch: then fit this law (chinchilla, isoflop or compute) to the finished runs through the API, with {FitBootstrap} bootstrap refits, and print it",
        };
        var command = new Command("submit", "Submit a sweep spec") { spec, watch, fit };
        command.Validators.Add(result =>
        {
            if (result.GetValue(fit) is not null && !result.GetValue(watch)) result.AddError("--fit needs --watch: the law is fitted when the sweep has finished");
        });
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var file = parse.GetValue(spec)!;
            if (!file.Exists)
            {
                Console.Error.WriteLine($"No such spec file: {file.FullName}");
                return 2;
            }
            var accepted = (await api.SubmitAsync(await File.ReadAllTextAsync(file.FullName, ct), ApiOptions.KeyOf(parse), ct: ct)).OrThrow();
            // With --json the one document is the answer of the last step that finished: the accepted sweep (also when
            // the watching is stopped), the finished sweep as `watch --json` prints it, or its fit as `fit --sweeps --json` does.
            var console = ApiOptions.Human(parse);
            console.MarkupLine($"Sweep [bold]{accepted.SweepId}[/] accepted with {accepted.RunCount} runs");
            if (!parse.GetValue(watch))
            {
                ApiOptions.PrintedJson(parse, accepted);
                return 0;
            }
            if (await SweepWatch.FollowAsync(api, accepted.SweepId, console, TimeProvider.System, ct) is not { } detail)
            {
                ApiOptions.PrintedJson(parse, accepted);   // the sweep goes on, and a script still learns its id
                return SweepWatch.Interrupted;
            }
            var exit = SweepWatch.ExitCode(detail);
            if (parse.GetValue(fit) is not { } law || detail.Sweep.Status == ScaleLab.Sweeps.SweepStatus.Cancelled)
            {
                ApiOptions.PrintedJson(parse, detail);
                return exit;
            }
            console.WriteLine();
            return Math.Max(exit, await SweepFit.WriteAsync(api, ApiOptions.KeyOf(parse), new SweepFitRequest([accepted.SweepId], SweepFitRequest.LawName(law), FitBootstrap),
                parse.GetValue(ApiOptions.Json), console, ct));
        }));
        return command;
    }
}
