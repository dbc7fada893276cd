using System.CommandLine;
using ScaleLab.Client;
using ScaleLab.LossCurves;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>
/// `predict RUN [--sweep SWEEP] [--json]`: the run's final loss as the annealing law predicts it from its curve so far
/// and its finished siblings, with the interval, the fitted law and (with --json) the law's curve over the run.
/// </summary>
public static class PredictCommand
{
    public static Command Create()
    {
        var id = IdArguments.Run();
        var sweep = IdArguments.SweepOption($"the run's sweep, to look a short run id up in: {IdPrefix.Rule}");
        var command = new Command("predict", "Predict a run's final loss from its curve so far (annealing law, Tissue et al. 2024)") { id, sweep };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var runId = await IdArguments.RunIdAsync(api, parse.GetValue(id)!, id.Name, parse.GetValue(sweep), sweep.Name, ct);
            var prediction = ApiOptions.Found(await api.GetLossPredictionAsync(runId, ct), $"run {runId}");
            if (ApiOptions.PrintedJson(parse, prediction)) return 0;
            AnsiConsole.WriteLine(LossPredictionText.Sentence(prediction));
            if (prediction.Law is { } law) AnsiConsole.WriteLine(LossPredictionText.Law(law));
            return 0;
        }));
        return command;
    }
}
