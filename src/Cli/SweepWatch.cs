using ScaleLab.Catalog;
using ScaleLab.Client;
using ScaleLab.Sweeps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ScaleLab.Cli;

/// <summary>
/// Follows a sweep until it finishes, then prints its results: the one way `watch` and `submit --watch` show a sweep
/// (<see cref="SweepWatchView"/>, 80 columns). On a terminal a live frame (status counts, each run's steps and last
/// loss) is redrawn every second; in logs and CI a line is written whenever a run changes status.
/// </summary>
public static class SweepWatch
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static bool IsFinished(SweepStatus s) => s is SweepStatus.Succeeded or SweepStatus.CompletedWithFailures or SweepStatus.Cancelled;

    /// <summary>What a command that followed a sweep exits with: 0 when every run succeeded, 1 when some failed or it was cancelled.</summary>
    public static int ExitCode(SweepDetail finished) => finished.Sweep.Status == SweepStatus.Succeeded ? 0 : 1;

    /// <summary>Exit code of a watch stopped with Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// The finished sweep after printing its results; null when stopped with Ctrl-C (<paramref name="ct"/>), which
    /// only stops the watching: the sweep goes on.
    /// </summary>
    public static async Task<SweepDetail?> FollowAsync(ScaleLabApi api, Guid sweepId, IAnsiConsole console, TimeProvider time, CancellationToken ct)
    {
        var width = Math.Min(SweepWatchView.Width, console.Profile.Width);
        try
        {
            var detail = await ReadAsync(api, sweepId, ct);
            if (!IsFinished(detail.Sweep.Status))
                detail = console.Profile.Capabilities.Interactive
                    ? await LiveAsync(api, detail, console, width, time, ct)
                    : await LogChangesAsync(api, detail, console, width, time, ct);
            foreach (var line in SweepWatchView.Results(detail, width)) console.WriteLine(line);
            return detail;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            console.WriteLine("Stopped watching; the sweep goes on.");
            console.WriteLine($"To watch it again: scalelab watch {sweepId}");
            return null;
        }
    }

    private static async Task<SweepDetail> LiveAsync(ScaleLabApi api, SweepDetail detail, IAnsiConsole console, int width, TimeProvider time, CancellationToken ct)
    {
        // Header, column titles and the "more runs" line take 4 of the terminal's rows.
        IRenderable Frame(SweepDetail d) => new Rows(SweepWatchView.Progress(d, width, Math.Max(3, console.Profile.Height - 4)).Select(l => new Text(l)));
        await console.Live(Frame(detail)).AutoClear(true).Overflow(VerticalOverflow.Ellipsis).StartAsync(async ctx =>
        {
            while (!IsFinished(detail.Sweep.Status))
            {
                await Task.Delay(Poll, time, ct);
                detail = await ReadAsync(api, detail.Sweep.Id, ct);
                ctx.UpdateTarget(Frame(detail));
            }
        });
        return detail;
    }

    /// <summary>For logs and CI: the header, then a line per run whose status changed and the counts after each change.</summary>
    private static async Task<SweepDetail> LogChangesAsync(ScaleLabApi api, SweepDetail detail, IAnsiConsole console, int width, TimeProvider time, CancellationToken ct)
    {
        foreach (var line in SweepWatchView.Header(detail, width)) console.WriteLine(line);
        var seen = detail.Runs.ToDictionary(r => r.Id, r => r.Status);
        while (!IsFinished(detail.Sweep.Status))
        {
            await Task.Delay(Poll, time, ct);
            detail = await ReadAsync(api, detail.Sweep.Id, ct);
            var changed = detail.Runs.Where(r => !seen.TryGetValue(r.Id, out var s) || s != r.Status).ToList();
            var now = time.GetLocalNow();
            foreach (var run in changed)
            {
                seen[run.Id] = run.Status;
                console.WriteLine(SweepWatchView.Change(run, now, width));
            }
            if (changed.Count > 0) console.WriteLine(SweepWatchView.CountsAt(detail, now, width));
        }
        return detail;
    }

    private static async Task<SweepDetail> ReadAsync(ScaleLabApi api, Guid sweepId, CancellationToken ct) =>
        Commands.ApiOptions.Found(await api.GetSweepAsync(sweepId, ct), $"sweep {sweepId}");
}
