using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Schedules;
using ScaleLab.Schedules;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// /api/schedules through the in-process orchestrator, each answer checked against what is behind it: the rows of
/// <see cref="ScheduleStore"/>, Hangfire's recurring jobs, and the SQL each request costs.
/// </summary>
[Collection(ClusterCollection.Name)]
public class ScheduleApiInProcessTests(ClusterFixture cluster) : IAsyncLifetime
{
    private const string Spec = """
        {"base":{"dModel":16,"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":2,"tokens":320,"logInterval":5,"evalInterval":10,"evalBatches":1,"checkpointInterval":0}}
        """;

    private InProcessOrchestrator _host = null!;
    private HttpClient _api = null!;

    private ScheduleStore Store => _host.Get<ScheduleStore>();

    public async Task InitializeAsync()
    {
        _host = await cluster.InProcessAsync();
        _api = _host.CreateApiClient(ClusterFixture.ApiKey);
    }

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_created_schedule_is_stored_with_its_recurring_job_in_its_time_zone()
    {
        var before = DateTimeOffset.UtcNow;
        using var response = await _api.PostAsync("api/schedules",
            Json($$"""{"name":"nightly","cron":"30 3 * * *","timeZone":"Europe/Berlin","spec":{{Spec}}}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<ScheduleView>(ClusterFixture.Json))!;
        Assert.Equal($"/api/schedules/{view.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("nightly", "30 3 * * *", "Europe/Berlin", false, 0), (view.Name, view.Cron, view.TimeZone, view.Paused, view.Firings));
        Assert.Empty(view.RecentFirings);
        // The next 03:30 in Berlin after the request (taken at its start or its end, in case it straddled one).
        var cron = Cronos.CronExpression.Parse("30 3 * * *");
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.Contains(view.NextFireAt, new[] { cron.GetNextOccurrence(before, berlin), cron.GetNextOccurrence(DateTimeOffset.UtcNow, berlin) });

        var stored = await Store.FindAsync(view.Id, default);
        Assert.NotNull(stored);
        Assert.Equal("nightly", stored.Name);
        Assert.Equal(view.CreatedAt.UtcTicks / 10, stored.CreatedAt.UtcTicks / 10); // PostgreSQL keeps microseconds
        Assert.Equal("nightly", JsonNode.Parse(stored.SpecJson)!["name"]!.GetValue<string>()); // a spec without a name takes the schedule's
        var job = RecurringJob(view.Id);
        Assert.NotNull(job);
        Assert.Equal(("30 3 * * *", "Europe/Berlin"), (job.Cron, job.TimeZoneId));
    }

    [Fact]
    public async Task Listing_schedules_is_one_sql_command_however_many_schedules_and_firings_there_are()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await CreateAsync($"listed-{i}"));
            for (var f = 0; f <= i; f++) await Store.RecordFiringAsync(ids[i], Hour(f), Guid.NewGuid(), default);
        }

        var commands = _host.Sql.Record();
        var list = (await _api.GetFromJsonAsync<List<ScheduleView>>("api/schedules", ClusterFixture.Json))!;

        Assert.Single(commands); // before ScheduleStore: one for the schedules, then two per schedule
        var listed = list.Where(v => ids.Contains(v.Id)).ToList();
        Assert.Equal(ids, listed.Select(v => v.Id)); // oldest first
        Assert.Equal(new[] { 1, 2, 3, 4 }, listed.Select(v => v.Firings));
        Assert.Equal(new[] { 1, 2, 3, 4 }, listed.Select(v => v.RecentFirings.Count));
    }

    [Fact]
    public async Task A_schedule_shows_its_latest_firings_newest_first_and_counts_them_all_in_one_sql_command()
    {
        var id = await CreateAsync("many-firings");
        var sweeps = Enumerable.Range(0, ScheduleStore.RecentFiringCount + 5).ToDictionary(Hour, _ => Guid.NewGuid());
        foreach (var (scheduledFor, sweepId) in sweeps) await Store.RecordFiringAsync(id, scheduledFor, sweepId, default);

        var commands = _host.Sql.Record();
        var view = (await _api.GetFromJsonAsync<ScheduleView>($"api/schedules/{id}", ClusterFixture.Json))!;

        Assert.Single(commands);
        Assert.Equal(sweeps.Count, view.Firings);
        Assert.Equal(
            sweeps.OrderByDescending(kv => kv.Key).Take(ScheduleStore.RecentFiringCount).Select(kv => (new DateTimeOffset(kv.Key), kv.Value)),
            view.RecentFirings.Select(f => (f.ScheduledFor, f.SweepId)));
    }

    [Fact]
    public async Task A_scheduled_time_recorded_again_keeps_its_first_study()
    {
        var id = await CreateAsync("recorded-twice");
        var first = Guid.NewGuid();
        await Store.RecordFiringAsync(id, Hour(0), first, default);
        await Store.RecordFiringAsync(id, Hour(0), Guid.NewGuid(), default); // a retried or re-triggered firing

        var view = await Store.GetAsync(id, default);

        Assert.Equal(1, view!.Firings);
        Assert.Equal(first, Assert.Single(view.RecentFirings).SweepId);
    }

    [Fact]
    public async Task Pausing_removes_the_job_and_refuses_triggers_and_resuming_brings_the_job_back()
    {
        var id = await CreateAsync("pausable");

        using (var paused = await _api.PostAsync($"api/schedules/{id}/pause", null))
        {
            var view = (await paused.Content.ReadFromJsonAsync<ScheduleView>(ClusterFixture.Json))!;
            Assert.Equal((true, null), (view.Paused, view.NextFireAt));
        }
        Assert.True((await Store.FindAsync(id, default))!.Paused);
        Assert.Null(RecurringJob(id));

        using (var triggered = await _api.PostAsync($"api/schedules/{id}/trigger", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, triggered.StatusCode);
            Assert.Equal("application/problem+json", triggered.Content.Headers.ContentType?.MediaType);
            Assert.Equal("The schedule is paused", (await triggered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        }

        using (var resumed = await _api.PostAsync($"api/schedules/{id}/resume", null))
        {
            var view = (await resumed.Content.ReadFromJsonAsync<ScheduleView>(ClusterFixture.Json))!;
            Assert.False(view.Paused);
            Assert.NotNull(view.NextFireAt);
        }
        Assert.False((await Store.FindAsync(id, default))!.Paused);
        Assert.Equal("0 3 * * *", RecurringJob(id)?.Cron);
    }

    [Fact]
    public async Task Deleting_a_schedule_removes_it_with_its_firings_and_its_job()
    {
        var id = await CreateAsync("deleted");
        await Store.RecordFiringAsync(id, Hour(0), Guid.NewGuid(), default);

        using (var deleted = await _api.DeleteAsync($"api/schedules/{id}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Null(await Store.FindAsync(id, default));
        Assert.Null(RecurringJob(id));
        await using (var db = await _host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync())
            Assert.Equal(0, await db.ScheduleFirings.CountAsync(f => f.ScheduleId == id));
        using (var again = await _api.DeleteAsync($"api/schedules/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using (var read = await _api.GetAsync($"api/schedules/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Theory]
    [InlineData("POST", "api/schedules", null)]
    [InlineData("POST", "api/schedules", "not-the-key")]
    [InlineData("POST", "api/schedules/{id}/pause", null)]
    [InlineData("POST", "api/schedules/{id}/pause", "not-the-key")]
    [InlineData("POST", "api/schedules/{id}/resume", null)]
    [InlineData("POST", "api/schedules/{id}/trigger", null)]
    [InlineData("DELETE", "api/schedules/{id}", null)]
    [InlineData("DELETE", "api/schedules/{id}", "not-the-key")]
    public async Task A_schedule_change_without_a_valid_api_key_is_refused_and_changes_nothing(string method, string path, string? apiKey)
    {
        var id = await CreateAsync("guarded");
        var before = await StateAsync();
        using var anonymous = _host.CreateApiClient(apiKey);

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id.ToString()));
        if (path == "api/schedules") request.Content = Json($$"""{"name":"intruder","cron":"0 3 * * *","spec":{{Spec}}}""");
        using var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("X-Api-Key", out _), problem.ToString());
        Assert.Equal(before, await StateAsync());
        Assert.NotNull(RecurringJob(id));
    }

    [Fact]
    public async Task A_refused_schedule_is_validation_problem_details_naming_every_bad_field_and_stores_nothing()
    {
        var before = await StateAsync();
        var spec = JsonNode.Parse(Spec)!;
        spec["base"]!["learningRate"] = -1;

        using var response = await _api.PostAsync("api/schedules",
            Json($$"""{"name":"refused","cron":"61 * * * *","timeZone":"Mars/Olympus","spec":{{spec.ToJsonString()}},"colour":"blue"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        ProblemDetailsShape.AssertValidationProblem(problem, "The schedule is invalid", "colour", "cron", "spec.base.learningRate", "timeZone");
        Assert.Equal(before, await StateAsync());
    }

    private async Task<Guid> CreateAsync(string name)
    {
        using var response = await _api.PostAsync("api/schedules", Json($$"""{"name":"{{name}}","cron":"0 3 * * *","spec":{{Spec}}}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ScheduleView>(ClusterFixture.Json))!.Id;
    }

    /// <summary>Every stored schedule and whether it is paused: what a refused change must leave as it was.</summary>
    private async Task<string> StateAsync() =>
        string.Join(", ", (await Store.ListAsync(default)).Select(v => $"{v.Id}{(v.Paused ? " paused" : "")}"));

    private RecurringJobDto? RecurringJob(Guid scheduleId)
    {
        using var connection = _host.Get<JobStorage>().GetConnection();
        return connection.GetRecurringJobs().SingleOrDefault(j => j.Id == ScheduleJobs.JobId(scheduleId));
    }

    private static DateTime Hour(int hour) => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(hour);

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
