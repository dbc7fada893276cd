using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Schedules;
using ScaleLab.Sweeps;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// Sweep, run and schedule ids given to the CLI as a unique prefix (git's short ids): listed 8 digits long (longer where
/// 8 do not tell them apart), resolved through the API, and an ambiguous or unknown prefix refused naming its argument
/// (exit 2). The sweeps and schedules are written to the database with chosen ids: a submitted sweep's id, and a
/// created schedule's, begins with its creation time.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CliShortIdTests(ClusterFixture cluster)
{
    private Task<(int Exit, string Out, string Err)> Cli(params string[] args) => ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), args);

    private static string Short(Guid id) => id.ToString("N")[..8];

    /// <summary>A random id that starts with <paramref name="prefix"/> then <paramref name="next"/>.</summary>
    private static Guid Sharing(string prefix, char next) => Guid.ParseExact(prefix + next + Guid.NewGuid().ToString("N")[(prefix.Length + 1)..], "N");

    [Fact]
    public async Task Short_ids_name_a_sweep_and_a_run_in_the_commands_that_take_them()
    {
        var (sweepId, run0, run1) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var name = $"it-cli-short-{Short(sweepId)}";
        await StoredSweeps.InsertAsync(cluster, sweepId, name, SweepStatus.Succeeded, archived: false,
            StoredSweeps.Run(run0, sweepId, "run-0"), StoredSweeps.Run(run1, sweepId, "run-1"));

        var sweep = await Cli("sweep", sweepId.ToString()[..11]);   // 10 digits and a dash, as copied from a full id
        var runs = await Cli("runs", sweepId.ToString("N")[..6]);
        var run = await Cli("run", Short(run1), "--sweep", Short(sweepId));
        var annotated = await Cli("annotate", sweepId.ToString("N")[..7], "--tag", "short-id");
        var watched = await Cli("watch", Short(sweepId));
        var json = await Cli("runs", Short(sweepId), "--json");

        Assert.True(sweep.Exit == 0, sweep.Err);
        Assert.Contains($"Sweep {name} ({Short(sweepId)}): Succeeded", sweep.Out);
        Assert.True(runs.Exit == 0, runs.Err);
        foreach (var id in new[] { run0, run1 })
        {
            Assert.Contains(Short(id), runs.Out);
            Assert.DoesNotContain(id.ToString(), runs.Out);
        }
        Assert.True(run.Exit == 0, run.Err);
        Assert.Contains($"Run run-1 ({Short(run1)})", run.Out);
        Assert.Contains(run1.ToString(), run.Out);
        Assert.True(annotated.Exit == 0, annotated.Err);
        var tags = (await cluster.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweepId}")).GetProperty("sweep").GetProperty("tags");
        Assert.Equal(["short-id"], tags.EnumerateArray().Select(t => t.GetString()));
        Assert.True(watched.Exit == 0, watched.Err);
        Assert.True(json.Exit == 0, json.Err);
        Assert.Equal([run0, run1], JsonDocument.Parse(json.Out).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task The_sweeps_list_prints_ids_as_long_as_needed_to_tell_them_apart_and_its_json_whole()
    {
        // Sweep ids begin with their creation time: two sweeps of the same minute share their first 8 digits.
        var minute = Guid.NewGuid().ToString("N")[..8];
        var (a, b) = (Guid.ParseExact(minute + "1" + Guid.NewGuid().ToString("N")[9..], "N"), Guid.ParseExact(minute + "2" + Guid.NewGuid().ToString("N")[9..], "N"));
        var name = $"it-cli-short-list-{minute}";
        await StoredSweeps.InsertAsync(cluster, a, name + "-a", SweepStatus.Succeeded, archived: false);
        await StoredSweeps.InsertAsync(cluster, b, name + "-b", SweepStatus.Succeeded, archived: false);

        var table = await Cli("sweeps", "--search", name);
        var shown = await Cli("sweep", b.ToString("N")[..9]);
        var json = await Cli("sweeps", "--search", name, "--json");

        Assert.True(table.Exit == 0, table.Err);
        foreach (var id in new[] { a, b })
        {
            Assert.Matches($@"(?m)^\W*{id.ToString("N")[..9]}\W", table.Out);
            Assert.DoesNotContain(id.ToString(), table.Out);
        }
        Assert.True(shown.Exit == 0, shown.Err);
        Assert.Contains($"Sweep {name}-b", shown.Out);
        Assert.Equal([b, a], JsonDocument.Parse(json.Out).RootElement.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task An_ambiguous_or_unknown_prefix_is_refused_naming_its_argument()
    {
        // Two sweeps (one archived: prefixes reach those too) whose ids share 7 digits; two runs of one that share 7.
        var shared = Guid.NewGuid().ToString("N")[..7];
        var (a, b) = (Sharing(shared, 'a'), Sharing(shared, 'b'));
        var runPrefix = Guid.NewGuid().ToString("N")[..7];
        var (runA, runB) = (Sharing(runPrefix, 'c'), Sharing(runPrefix, 'd'));
        await StoredSweeps.InsertAsync(cluster, a, "it-cli-ambiguous-a", SweepStatus.Succeeded, false, StoredSweeps.Run(runA, a, "run-a"), StoredSweeps.Run(runB, a, "run-b"));
        await StoredSweeps.InsertAsync(cluster, b, "it-cli-ambiguous-b", SweepStatus.Succeeded, archived: true);
        var unknown = "0000" + Guid.NewGuid().ToString("N")[..6];   // a sweep id starting with this is left to chance

        var sweep = await Cli("sweep", shared);
        var fit = await Cli("fit", "--sweeps", Short(a), shared);
        var missing = await Cli("cancel", unknown);
        var run = await Cli("run", runPrefix, "--sweep", Short(a));
        var noRun = await Cli("run", unknown, "--sweep", Short(a));
        var noSweepGiven = await Cli("run", Short(runA));
        var notAnId = await Cli("watch", "12ab");

        Assert.Equal(2, sweep.Exit);
        Assert.StartsWith($"sweep: {shared} is ambiguous: 2 sweeps have ids starting with it: ", sweep.Err);
        Assert.Contains($"{Short(a)} (it-cli-ambiguous-a)", sweep.Err);
        Assert.Contains($"{Short(b)} (it-cli-ambiguous-b)", sweep.Err);
        Assert.Equal("", sweep.Out);
        Assert.Equal(2, fit.Exit);
        Assert.StartsWith($"--sweep: {shared} is ambiguous", fit.Err);
        Assert.Equal(2, missing.Exit);
        Assert.StartsWith($"sweep: no sweep id starts with {unknown}", missing.Err);
        Assert.Equal(2, run.Exit);
        Assert.StartsWith($"run: {runPrefix} is ambiguous: 2 runs of sweep {Short(a)} (it-cli-ambiguous-a) have ids starting with it", run.Err);
        Assert.Contains($"{Short(runA)} (run-a)", run.Err);
        Assert.Equal(2, noRun.Exit);
        Assert.StartsWith($"run: no run of sweep {Short(a)} (it-cli-ambiguous-a) has an id starting with {unknown}", noRun.Err);
        Assert.Equal(2, noSweepGiven.Exit);
        Assert.StartsWith($"run: {Short(runA)} is a short run id: give the run's sweep too (--sweep SWEEP)", noSweepGiven.Err);
        Assert.NotEqual(0, notAnId.Exit);
        Assert.Contains("sweep: '12ab' is not a sweep id: give the full id, or at least 6 of its leading hex digits", notAnId.Err);
    }

    [Fact]
    public async Task Schedule_commands_take_a_unique_prefix_and_refuse_an_ambiguous_or_unknown_one()
    {
        // Two schedules whose ids share 7 digits, stored paused: they never fire.
        var shared = Guid.NewGuid().ToString("N")[..7];
        var (a, b) = (Sharing(shared, 'a'), Sharing(shared, 'b'));
        await using (var db = new ScaleLabDb(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql(cluster.PostgresConnectionString).Options))
        {
            foreach (var (id, name) in new[] { (a, "it-cli-schedule-a"), (b, "it-cli-schedule-b") })
                db.Add(new ScheduleRecord { Id = id, Name = name, Cron = "0 3 * * *", TimeZone = "UTC", SpecJson = "{}", Paused = true, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var unknown = "0000" + Guid.NewGuid().ToString("N")[..6];   // created schedules' ids begin with the time: 019...

        var ambiguous = await Cli("schedules", "resume", shared);
        var missing = await Cli("schedules", "trigger", unknown);
        var notAnId = await Cli("schedules", "pause", "12ab");
        var deleted = await Cli("schedules", "delete", Short(a));

        Assert.Equal(2, ambiguous.Exit);
        Assert.StartsWith($"schedule: {shared} is ambiguous: 2 schedules have ids starting with it: ", ambiguous.Err);
        Assert.Contains($"{Short(a)} (it-cli-schedule-a)", ambiguous.Err);
        Assert.Contains($"{Short(b)} (it-cli-schedule-b)", ambiguous.Err);
        Assert.Equal("", ambiguous.Out);
        Assert.True((await cluster.Api.GetFromJsonAsync<JsonElement>($"api/schedules/{b}")).GetProperty("paused").GetBoolean());
        Assert.Equal(2, missing.Exit);
        Assert.StartsWith($"schedule: no schedule id starts with {unknown}", missing.Err);
        Assert.NotEqual(0, notAnId.Exit);
        Assert.Contains("schedule: '12ab' is not a schedule id: give the full id, or at least 6 of its leading hex digits", notAnId.Err);
        Assert.True(deleted.Exit == 0, deleted.Err);
        using (var gone = await cluster.Api.GetAsync($"api/schedules/{a}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using (var kept = await cluster.Api.GetAsync($"api/schedules/{b}")) Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(0, (await Cli("schedules", "delete", b.ToString())).Exit);
    }
}
