using ScaleLab.Catalog;
using ScaleLab.Client;
using ScaleLab.Scaling;
using System.CommandLine;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>`sweep SWEEP`: a sweep's runs with their accounting and results, its tags and notes.</summary>
public static class SweepCommand
{
    public static Command Create()
    {
        var id = IdArguments.Sweep();
        var command = new Command("sweep", "Show a sweep's runs and results") { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var sweepId = await IdArguments.SweepIdAsync(api, parse, id, ct);
            var sweep = ApiOptions.Found(await api.GetSweepAsync(sweepId, ct), $"sweep {sweepId}");
            if (ApiOptions.PrintedJson(parse, sweep)) return 0;
            AnsiConsole.Write(ResultsTable(sweep));
            if (sweep.Sweep.Tags is { Count: > 0 } tags) AnsiConsole.MarkupLine(Markup.Escape($"Tags: {string.Join(", ", tags)}"));
            if (sweep.Sweep.Archived) AnsiConsole.MarkupLine("Archived.");
            if (sweep.Notes.Length > 0) AnsiConsole.WriteLine($"Notes:\n{sweep.Notes}");
            return 0;
        }));
        return command;
    }

    private static Table ResultsTable(SweepDetail detail)
    {
        var table = new Table().Title(Markup.Escape($"Sweep {detail.Sweep.Name} ({IdPrefix.Short(detail.Sweep.Id)}): {detail.Sweep.StatusText}"))
            .AddColumns("Run id", "Run", "Params (non-emb)", "Tokens", "FLOPs", "Final loss", "Val loss", "Status");
        var digits = IdPrefix.DistinctDigits(detail.Runs.Select(r => r.Id));
        foreach (var r in detail.Runs)
            table.AddRow(IdPrefix.Short(r.Id, digits), Markup.Escape(r.Name), r.NonEmbeddingParameters.ToString("N0"), r.PlannedTokens.ToString("N0"),
                NumberFormat.Short(r.PlannedFlops), r.FinalLoss?.ToString("F4") ?? "-", r.FinalValLoss?.ToString("F4") ?? "-",
                Markup.Escape(r.Status + (r.Error is null ? "" : $": {r.Error}")));
        return table;
    }
}
