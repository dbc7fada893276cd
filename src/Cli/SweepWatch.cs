using ScaleLab.Client;
using ScaleLab.Catalog;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using Spectre.Console;
using ScaleLab.Scaling;

namespace ScaleLab.Cli;

/// <summary>Live progress bars of a sweep's runs until it finishes, then its results table.</summary>
public static class SweepWatch
{
    public static bool IsFinished(SweepStatus s) => s is SweepStatus.Succeeded or SweepStatus.CompletedWithFailures or SweepStatus.Cancelled;

    public static async Task<SweepDetail> WatchAsync(ScaleLabApi api, Guid sweepId, IAnsiConsole console, CancellationToken ct)
    {
        var detail = Commands.ApiOptions.Found(await api.GetSweepAsync(sweepId, ct), $"sweep {sweepId}");
        if (!console.Profile.Capabilities.Interactive) return await LogChangesAsync(api, detail, console, ct);
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var bars = detail.Runs.ToDictionary(r => r.Id, r => ctx.AddTask(Markup.Escape(r.Name), maxValue: Math.Max(1, r.TotalSteps)));
                while (true)
                {
                    foreach (var run in detail.Runs)
                    {
                        var bar = bars[run.Id];
                        bar.Value = run.Status.IsTerminal() ? bar.MaxValue : run.StepsDone;
                        var loss = run.LastLoss is { } l ? $" loss {l:F3}" : "";
                        bar.Description = Markup.Escape($"{run.Name} [{run.Status}]{loss}");
                    }
                    if (IsFinished(detail.Sweep.Status)) return;
                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    detail = Commands.ApiOptions.Found(await api.GetSweepAsync(sweepId, ct), $"sweep {sweepId}");
                }
            });
        return detail;
    }

    /// <summary>For logs and CI: one line whenever a run changes status, no redrawn bars.</summary>
    private static async Task<SweepDetail> LogChangesAsync(ScaleLabApi api, SweepDetail detail, IAnsiConsole console, CancellationToken ct)
    {
        var seen = new Dictionary<Guid, RunStatus>();
        while (true)
        {
            foreach (var run in detail.Runs.Where(r => !seen.TryGetValue(r.Id, out var s) || s != r.Status))
            {
                seen[run.Id] = run.Status;
                var loss = run.FinalLoss ?? run.LastLoss;
                console.WriteLine($"{DateTime.Now:HH:mm:ss} {run.Name}: {run.Status}{(loss is { } l ? $" (loss {l:F3})" : "")}");
            }
            if (IsFinished(detail.Sweep.Status)) return detail;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            detail = Commands.ApiOptions.Found(await api.GetSweepAsync(detail.Sweep.Id, ct), $"sweep {detail.Sweep.Id}");
        }
    }

    public static Table ResultsTable(SweepDetail detail)
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
