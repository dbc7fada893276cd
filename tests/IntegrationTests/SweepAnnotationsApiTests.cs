using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Catalog;
using ScaleLab.Client;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Sweeps;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// Tags, notes and archiving through the real API and PostgreSQL: what is stored, how the list filters by tag and
/// leaves archived sweeps out unless asked, and bad input refused by field with nothing changed.
/// </summary>
[Collection(ClusterCollection.Name)]
public class SweepAnnotationsApiTests(ClusterFixture cluster)
{
    private ScaleLabApi Client => new(cluster.Api);

    private async Task<Guid> SeedAsync(string name)
    {
        await using var db = new ScaleLabDb(new DbContextOptionsBuilder<ScaleLabDb>().UseNpgsql(cluster.PostgresConnectionString).Options);
        var sweep = new SweepRecord { Id = Guid.NewGuid(), Name = name, Kind = "grid", SpecJson = "{}", CreatedAt = DateTimeOffset.UtcNow };
        db.Add(sweep);
        await db.SaveChangesAsync();
        return sweep.Id;
    }

    private async Task<IReadOnlyList<Guid>> ListedAsync(string search, string? tag = null, bool includeArchived = false) =>
        (await Client.ListSweepsAsync(1, 200, search, tag: tag, includeArchived: includeArchived)).Items.Select(s => s.Id).ToList();

    [Fact]
    public async Task Tags_and_notes_are_stored_the_list_filters_by_tag_and_archived_sweeps_leave_it()
    {
        var name = $"annotated-{Guid.NewGuid():N}"[..20];
        var (tagged, other) = (await SeedAsync(name + "-a"), await SeedAsync(name + "-b"));
        var tag = $"t{Guid.NewGuid():N}"[..12];

        var result = await Client.AnnotateSweepAsync(tagged, new SweepAnnotations([tag, "baseline", tag], "GLA loses at 4k.\nSee the fit."), ClusterFixture.ApiKey);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        var stored = (await Client.GetSweepAsync(tagged))!;
        Assert.Equal([tag, "baseline"], stored.Sweep.Tags!);
        Assert.Equal("GLA loses at 4k.\nSee the fit.", stored.Notes);
        Assert.Equal([tagged], await ListedAsync(name, tag));
        Assert.Equal([other, tagged], await ListedAsync(name));                       // newest first

        Assert.True((await Client.AnnotateSweepAsync(tagged, new SweepAnnotations(Archived: true), ClusterFixture.ApiKey)).Succeeded);
        Assert.Equal([other], await ListedAsync(name));
        Assert.Equal([other, tagged], await ListedAsync(name, includeArchived: true));
        var archived = (await Client.GetSweepAsync(tagged))!;
        Assert.True(archived.Sweep.Archived);
        Assert.Equal([tag, "baseline"], archived.Sweep.Tags!);                        // fields left out stay as they were
        Assert.Equal("GLA loses at 4k.\nSee the fit.", archived.Notes);

        Assert.True((await Client.AnnotateSweepAsync(tagged, new SweepAnnotations(Archived: false), ClusterFixture.ApiKey)).Succeeded);
        Assert.Equal([other, tagged], await ListedAsync(name));
    }

    [Theory]
    [InlineData("""{"tags":["has space"]}""", "tags[0]")]
    [InlineData("""{"tags":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"]}""", "tags")]
    [InlineData("""{"notes":"bell \u0007"}""", "notes")]
    [InlineData("""{}""", "body")]
    [InlineData("""{"colour":"red"}""", "colour")]
    [InlineData("""{"archived":"yes"}""", "archived")]
    public async Task Bad_annotations_are_refused_by_field_and_change_nothing(string body, string field)
    {
        var id = await SeedAsync($"refused-{Guid.NewGuid():N}"[..20]);
        using var response = await cluster.SendAsync(() => new HttpRequestMessage(HttpMethod.Patch, $"api/sweeps/{id}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "X-Api-Key", ClusterFixture.ApiKey } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var unchanged = (await Client.GetSweepAsync(id))!;
        Assert.Equal((0, "", false), (unchanged.Sweep.Tags!.Count, unchanged.Notes, unchanged.Sweep.Archived));
    }

    [Fact]
    public async Task Annotating_needs_a_key_and_an_existing_sweep_and_the_list_checks_its_filters()
    {
        var id = await SeedAsync($"guarded-{Guid.NewGuid():N}"[..20]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new ScaleLabApi(cluster.Api).AnnotateSweepAsync(id, new SweepAnnotations(Archived: true), null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.AnnotateSweepAsync(Guid.NewGuid(), new SweepAnnotations(Archived: true), ClusterFixture.ApiKey)).Status);
        using var badTag = await cluster.Api.GetAsync("api/sweeps?tag=has%20space");
        using var badFlag = await cluster.Api.GetAsync("api/sweeps?includeArchived=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, badTag.StatusCode);
        Assert.Contains("\"tag\"", await badTag.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.StatusCode);
        Assert.Contains("\"includeArchived\"", await badFlag.Content.ReadAsStringAsync());
        Assert.False((await Client.GetSweepAsync(id))!.Sweep.Archived);
    }
}
