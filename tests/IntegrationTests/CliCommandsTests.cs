using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Scaling;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// The CLI's commands through the typed client against the real API, as a user runs them: what they print, and how
/// a refusal, a wrong key and a missing sweep read (exit 1, the API's words on stderr).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CliCommandsTests(ClusterFixture cluster) : IDisposable
{
    private readonly string _spec = Path.Combine(Path.GetTempPath(), $"scalelab-it-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_spec);

    private Task<(int Exit, string Out, string Err)> Cli(params string[] args) => ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), args);

    [Fact]
    public async Task Preview_prints_the_runs_and_a_bad_spec_prints_the_field_it_is_about()
    {
        await File.WriteAllTextAsync(_spec, """{"name":"it-cli-preview","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280},"axes":{"dModel":[16,32]}}""");
        var (exit, stdout, stderr) = await Cli("preview", _spec);
        Assert.True(exit == 0, stderr);
        Assert.Contains("it-cli-preview (grid): 2 runs", stdout);

        await File.WriteAllTextAsync(_spec, """{"name":"it-cli-preview","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280},"axes":{"dModel":[-16]}}""");
        (exit, _, stderr) = await Cli("preview", _spec);
        Assert.Equal(1, exit);
        Assert.Contains("The API refused (400)", stderr);
        Assert.Matches(@"axes\.dModel(\[0\])?: ", stderr);
    }

    [Fact]
    public async Task Preview_writes_its_numbers_in_the_apps_number_format()
    {
        await File.WriteAllTextAsync(_spec, """{"name":"it-cli-preview-numbers","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280},"axes":{"dModel":[16,32]}}""");
        var preview = JsonDocument.Parse((await Cli("preview", _spec, "--json")).Out).RootElement;

        var (exit, stdout, stderr) = await Cli("preview", _spec);

        Assert.True(exit == 0, stderr);
        var caption = Regex.Replace(stdout, @"\s+", " ");   // the caption wraps at the table's width
        Assert.Contains($"total {NumberFormat.Short(preview.GetProperty("totalFlops").GetDouble())} FLOPs", caption);
        Assert.Contains($"at {NumberFormat.Short(preview.GetProperty("deviceFlopsPerSecond").GetDouble())} FLOP/s", caption);
    }

    [Fact]
    public async Task A_sweep_is_tagged_annotated_and_archived_from_the_cli_and_the_lists_follow()
    {
        var name = $"it-cli-notes-{Guid.NewGuid():N}"[..20];
        var id = Guid.NewGuid();
        await using (var db = new Orchestrator.Infrastructure.Database.ScaleLabDb(new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<Orchestrator.Infrastructure.Database.ScaleLabDb>()
                         .UseNpgsql(cluster.PostgresConnectionString).Options))
        {
            db.Add(new Orchestrator.Sweeps.SweepRecord { Id = id, Name = name, Kind = "grid", SpecJson = "{}", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var annotated = await Cli("annotate", id.ToString(), "--tag", "baseline", "--tag", "gla", "--notes", "loses at 4k", "--archive");
        var hidden = await Cli("sweeps", "--search", name);
        var shown = await Cli("sweeps", "--search", name, "--archived", "--tag", "gla");
        var detail = await Cli("sweep", id.ToString());
        var both = await Cli("annotate", id.ToString(), "--archive", "--unarchive");
        var badTag = await Cli("annotate", id.ToString(), "--tag", "has space");

        Assert.True(annotated.Exit == 0, annotated.Err);
        Assert.Contains("tags [baseline, gla], archived, notes: loses at 4k", annotated.Out);
        Assert.DoesNotContain(name, hidden.Out);
        Assert.Contains(name, shown.Out);
        Assert.Contains("baseline, gla, (archived)", shown.Out);
        Assert.Contains("Tags: baseline, gla", detail.Out);
        Assert.Contains("Notes:\nloses at 4k", detail.Out.ReplaceLineEndings("\n"));
        Assert.NotEqual(0, both.Exit);
        Assert.Contains("--archive and --unarchive cannot be used together", both.Err + both.Out);
        Assert.Equal(1, badTag.Exit);
        Assert.Contains("tags[0]", badTag.Err);

        // The same reads as JSON, the API's own shape, for scripts.
        var listed = await Cli("sweeps", "--search", name, "--archived", "--json");
        var shownJson = await Cli("sweep", id.ToString(), "--json");
        Assert.True(listed.Exit == 0, listed.Err);
        var items = JsonDocument.Parse(listed.Out).RootElement.GetProperty("items");
        Assert.Equal(id, items.EnumerateArray().Single().GetProperty("id").GetGuid());
        Assert.Equal(["baseline", "gla"], items[0].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var sweep = JsonDocument.Parse(shownJson.Out).RootElement;
        Assert.Equal("loses at 4k", sweep.GetProperty("notes").GetString());
        Assert.True(sweep.GetProperty("sweep").GetProperty("archived").GetBoolean());
    }

    [Fact]
    public async Task A_wrong_key_a_missing_sweep_and_an_unknown_cancel_are_refused_in_words()
    {
        await File.WriteAllTextAsync(_spec, """{"name":"it-cli-key","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280},"axes":{"dModel":[16]}}""");
        var missing = Guid.NewGuid();

        var submit = await Cli("submit", _spec, "--api-key", "not-the-key");
        var sweep = await Cli("sweep", missing.ToString());
        var cancel = await Cli("cancel", missing.ToString());

        Assert.Equal(1, submit.Exit);
        Assert.Contains("The API refused (401)", submit.Err);
        Assert.Equal(1, sweep.Exit);
        Assert.Contains($"No sweep {missing}.", sweep.Err);
        Assert.Equal(1, cancel.Exit);
        Assert.Contains("The API refused (404)", cancel.Err);
    }

    [Fact]
    public async Task A_schedule_is_created_paused_by_its_short_id_and_deleted_from_the_cli()
    {
        var name = $"it-cli-schedule-{Guid.NewGuid().ToString("N")[..6]}";
        await File.WriteAllTextAsync(_spec, """{"name":"scheduled","base":{"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":4,"tokens":1280},"axes":{"dModel":[16]}}""");

        var created = await Cli("schedules", "create", name, "0 3 * * *", _spec, "--time-zone", "Europe/Paris");
        Assert.True(created.Exit == 0, created.Err);
        var listed = (await cluster.Api.GetFromJsonAsync<JsonElement[]>("api/schedules"))!.Single(s => s.GetProperty("name").GetString() == name);
        var id = listed.GetProperty("id").GetGuid();
        Assert.Equal("Europe/Paris", listed.GetProperty("timeZone").GetString());
        Assert.Matches($@"(?m)^\W*{id.ToString("N")[..8]}\W+{name}\W", created.Out);   // the table's id, as short as sweeps'
        Assert.DoesNotContain(id.ToString(), created.Out);

        var paused = await Cli("schedules", "pause", id.ToString("N")[..8]);
        Assert.True(paused.Exit == 0, paused.Err);
        Assert.True((await cluster.Api.GetFromJsonAsync<JsonElement>($"api/schedules/{id}")).GetProperty("paused").GetBoolean());

        var deleted = await Cli("schedules", "delete", id.ToString());
        Assert.True(deleted.Exit == 0, deleted.Err);
        using var gone = await cluster.Api.GetAsync($"api/schedules/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
