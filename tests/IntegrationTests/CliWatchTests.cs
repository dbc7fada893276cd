using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// `scalelab watch SWEEP` as a user runs it: it follows the sweep until it finishes, prints in 80 columns, and exits
/// with the sweep's outcome (0 when every run succeeded, 1 otherwise).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CliWatchTests(ClusterFixture cluster)
{
    private static string Short(Guid id) => id.ToString("N")[..8];

    /// <summary>A number of the API's JSON as the CLI prints it ("–" for none).</summary>
    private static string Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "–" : NumberFormat.Short(value.GetDouble());

    [Fact]
    public async Task Watch_follows_a_sweep_until_it_succeeds_in_lines_of_at_most_80_characters()
    {
        var name = $"it-cli-watch-{Guid.NewGuid():N}-a-name-longer-than-the-header-has-room-for-{new string('x', 20)}";
        using var created = await cluster.PostAsync("api/sweeps",
            $$$"""{"name":"{{{name}}}","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280,"logInterval":2},"axes":{"dModel":[16,32]}}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sweepId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();

        // The whole id: the first digits of a submitted sweep's id are its creation time, shared with the sweeps of that minute.
        var (exit, stdout, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(4), "watch", sweepId.ToString());

        Assert.True(exit == 0, stderr + stdout);
        var lines = stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 80, $"{line.Length} characters: {line}"));
        var sweep = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}");
        Assert.Equal("Succeeded", sweep.GetProperty("sweep").GetProperty("status").GetString());
        // The results: the header with the name cut to fit, the counts, a row per run, where to see the rest.
        Assert.Contains(lines, l => l.StartsWith($"Sweep {name[..20]}", StringComparison.Ordinal) && l.EndsWith($"… ({Short(sweepId)}): Succeeded", StringComparison.Ordinal));
        Assert.Contains("2 runs: 2 succeeded", lines);
        foreach (var run in sweep.GetProperty("runs").EnumerateArray())
        {
            var row = Assert.Single(lines, l => l.StartsWith(Short(run.GetProperty("id").GetGuid()) + " ", StringComparison.Ordinal));
            Assert.Contains(" Succeeded ", row);
            Assert.Matches($@"\s{Regex.Escape(Number(run.GetProperty("finalLoss")))}\s+{Regex.Escape(Number(run.GetProperty("finalValLoss")))}$", row);
        }
        Assert.Equal($"Details: scalelab sweep {sweepId}", lines[^1]);
    }

    [Fact]
    public async Task Watch_of_a_sweep_with_a_failed_run_exits_1_and_cuts_long_names_and_errors_to_80_columns()
    {
        var sweepId = Guid.NewGuid();
        var (ok, failed) = (Guid.NewGuid(), Guid.NewGuid());
        await StoredSweeps.InsertAsync(cluster, sweepId, "it-cli-watch-failed", SweepStatus.CompletedWithFailures, archived: false,
            StoredSweeps.Run(ok, sweepId, "a-run-name-" + new string('n', 100)),
            StoredSweeps.Run(failed, sweepId, "failed", RunStatus.Failed, error: "out of memory\n" + new string('e', 200)));

        var (exit, stdout, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), "watch", Short(sweepId));

        Assert.True(exit == 1, stderr + stdout);
        var lines = stdout.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 80, $"{line.Length} characters: {line}"));
        Assert.Equal($"Sweep it-cli-watch-failed ({Short(sweepId)}): CompletedWithFailures", lines[0]);
        Assert.Equal("2 runs: 1 succeeded, 1 failed", lines[1]);
        // Numbers are never cut; the name gives way.
        var row = Assert.Single(lines, l => l.StartsWith(Short(ok) + " a-run-name-nnn", StringComparison.Ordinal));
        Assert.Contains("…", row);
        Assert.Matches(@"\s1\.235E\+5\s+1\.28E\+6\s+9\.5E\+11\s+3\.457\s+3\.568$", row);
        Assert.Contains(lines, l => l.StartsWith($"{Short(failed)}: out of memory eee", StringComparison.Ordinal) && l.Length == 80 && l.EndsWith('…'));
    }

    [Fact]
    public async Task A_stop_signal_ends_the_watch_with_exit_130_and_leaves_the_sweep_running()
    {
        // A sweep that never finishes: written as running, with no grain to move it on (archived: out of the lists).
        var sweepId = Guid.NewGuid();
        await StoredSweeps.InsertAsync(cluster, sweepId, "it-cli-watch-stopped", SweepStatus.Running, archived: true,
            StoredSweeps.Run(Guid.NewGuid(), sweepId, "running", RunStatus.Running));
        using var process = ScalelabProcess.Start(cluster, "watch", Short(sweepId));
        var stderr = process.StandardError.ReadToEndAsync();

        // The header says the watch has read the sweep and follows it; then it is told to stop. SIGTERM takes the same
        // path as Ctrl-C (SIGINT), which a test host started in the background may hand on to its children as ignored.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        string rest;
        try
        {
            var header = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.Equal($"Sweep it-cli-watch-stopped ({Short(sweepId)}): Running", header);
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])!) await kill.WaitForExitAsync(timeout.Token);
            rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }

        Assert.True(process.ExitCode == 130, rest + await stderr);
        Assert.EndsWith($"Stopped watching; the sweep goes on.\nTo watch it again: scalelab watch {sweepId}\n", rest.ReplaceLineEndings("\n"));
        var sweep = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}");
        Assert.Equal("Running", sweep.GetProperty("sweep").GetProperty("status").GetString());
    }
}
