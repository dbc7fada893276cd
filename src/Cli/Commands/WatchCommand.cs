using System.CommandLine;

namespace ScaleLab.Cli.Commands;

/// <summary>
/// `watch SWEEP`: follows a sweep until it finishes (or Ctrl-C), as `submit --watch` does; exits 0 when every run
/// succeeded, 1 when some failed or the sweep was cancelled, 130 when stopped (the sweep goes on).
/// </summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var id = IdArguments.Sweep();
        var command = new Command("watch", "Follow a sweep live until it finishes: status counts, each run's steps and last loss, then its results; " +
                                           "exit 0 when every run succeeded, 1 when some failed or it was cancelled") { id };
        command.SetAction((parse, ct) => ApiOptions.WithApiAsync(parse, async api =>
        {
            var sweepId = await IdArguments.SweepIdAsync(api, parse, id, ct);
            // With --json, for scripts: the same following, shown to no one, then the finished sweep as the API returns it.
            if (await SweepWatch.FollowAsync(api, sweepId, ApiOptions.Human(parse), TimeProvider.System, ct) is not { } detail) return SweepWatch.Interrupted;
            ApiOptions.PrintedJson(parse, detail);
            return SweepWatch.ExitCode(detail);
        }));
        return command;
    }
}
