using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class ScheduleTests(ClusterFixture cluster)
{
    /// <summary>One tiny run (a few steps), so the cluster's worker finishes each firing's study in seconds.</summary>
    private const string Spec = """
        {"base":{"dModel":16,"nLayers":1,"nHeads":2,"seqLen":16,"batchSize":2,"tokens":320,"logInterval":5,"evalInterval":10,"evalBatches":1,"checkpointInterval":0}}
        """;

    [Fact]
    public async Task A_cron_schedule_fires_on_time_and_never_twice_for_one_scheduled_time()
    {
        using var created = await cluster.PostAsync("api/schedules", $$"""{"name":"it-every-15s","cron":"*/15 * * * * *","spec":{{Spec}}}""",
            apiKey: ClusterFixture.ApiKey);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Hangfire fires it from the cron (every 15 s) and the study runs.
        var firing = await WaitForFiringAsync(id, TimeSpan.FromSeconds(75));
        var sweep = await cluster.WaitForSweepAsync(firing.GetProperty("sweepId").GetGuid(), TimeSpan.FromMinutes(2));
        Assert.StartsWith("it-every-15s 2", sweep.GetProperty("sweep").GetProperty("name").GetString());

        // Manual triggers stand for the latest scheduled time, which already has its study: no new sweep. Wait until
        // Hangfire has run them (not for a fixed time: a check on jobs that have not run yet would pass vacuously).
        var jobsBefore = await HangfireJobsAsync(id, pendingOnly: false);
        for (var i = 0; i < 3; i++)
            using (var triggered = await cluster.PostAsync($"api/schedules/{id}/trigger", apiKey: ClusterFixture.ApiKey))
                Assert.Equal(HttpStatusCode.Accepted, triggered.StatusCode);
        await ClusterFixture.WaitUntilAsync(async () => await HangfireJobsAsync(id, pendingOnly: false) >= jobsBefore + 3
            && await HangfireJobsAsync(id, pendingOnly: true) == 0, TimeSpan.FromSeconds(60), "Hangfire to run the triggered firings");

        // Pausing removes the recurring job; every firing so far has exactly one sweep.
        using (var paused = await cluster.PostAsync($"api/schedules/{id}/pause", apiKey: ClusterFixture.ApiKey))
            Assert.False((await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextFireAt").ValueKind == JsonValueKind.String);
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = 'schedule-{id:N}'"));
        var firings = await cluster.ScalarAsync($"SELECT count(*) FROM schedule_firings WHERE schedule_id = '{id}'");
        Assert.InRange(firings, 1, 6);
        Assert.Equal(firings, await cluster.ScalarAsync(
            $"SELECT count(*) FROM sweeps WHERE id IN (SELECT sweep_id FROM schedule_firings WHERE schedule_id = '{id}')"));
        Assert.Equal(firings, await cluster.ScalarAsync($"SELECT count(*) FROM sweeps WHERE name LIKE 'it-every-15s %'"));

        // Nothing is left that could fire it: its recurring job is gone (above), and once no job of it is waiting to run
        // (a cron firing queued just before the pause finds the schedule paused), the count is final.
        await ClusterFixture.WaitUntilAsync(async () => await HangfireJobsAsync(id, pendingOnly: true) == 0,
            TimeSpan.FromSeconds(60), "Hangfire to finish the paused schedule's jobs");
        Assert.Equal(firings, await cluster.ScalarAsync($"SELECT count(*) FROM schedule_firings WHERE schedule_id = '{id}'"));

        using var deleted = await DeleteAsync($"api/schedules/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await cluster.Api.GetAsync($"api/schedules/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    /// <summary>Hangfire's jobs for the schedule (cron firings and triggers), or only those not yet run to an end.</summary>
    private Task<long> HangfireJobsAsync(Guid id, bool pendingOnly) => cluster.ScalarAsync(
        "SELECT count(*) FROM hangfire.job j WHERE EXISTS (SELECT 1 FROM hangfire.jobparameter p WHERE p.jobid = j.id " +
        $"AND p.name = 'RecurringJobId' AND p.value LIKE '%schedule-{id:N}%')" +
        (pendingOnly ? " AND j.statename NOT IN ('Succeeded', 'Failed', 'Deleted')" : ""));

    [Theory]
    [InlineData("""{"name":"x","cron":"61 * * * *","spec":{"base":{}}}""", "cron")]
    [InlineData("""{"name":"x","cron":"* * * * * *","spec":{"base":{}}}""", "cron")]           // every second: too often
    [InlineData("""{"name":"x","cron":"0 3 * * *","timeZone":"Mars/Olympus","spec":{"base":{}}}""", "timeZone")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","spec":{"base":{"learningRate":-1}}}""", "spec.base.learningRate")]
    [InlineData("""{"name":"x","cron":"0 3 * * *"}""", "spec")]
    [InlineData("""{"name":"../etc","cron":"0 3 * * *","spec":{"base":{}}}""", "name")]
    public async Task A_bad_schedule_is_refused_naming_the_field(string body, string field)
    {
        using var response = await cluster.PostAsync("api/schedules", body, apiKey: ClusterFixture.ApiKey);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}: {problem}");
    }

    [Fact]
    public async Task Schedules_and_the_hangfire_dashboard_need_the_api_key()
    {
        using var anonymous = await cluster.PostAsync("api/schedules", """{"name":"x","cron":"0 3 * * *","spec":{"base":{}}}""", apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var dashboard = await cluster.Api.GetAsync("hangfire");
        Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
        Assert.Contains("Basic", dashboard.Headers.WwwAuthenticate.ToString());

        using var request = new HttpRequestMessage(HttpMethod.Get, "hangfire");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("researcher:" + ClusterFixture.ApiKey)));
        using var allowed = await cluster.Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("Hangfire", await allowed.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> WaitForFiringAsync(Guid id, TimeSpan timeout)
    {
        JsonElement firing = default;
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            var schedule = await cluster.Api.GetFromJsonAsync<JsonElement>($"api/schedules/{id}");
            var recent = schedule.GetProperty("recentFirings");
            if (recent.GetArrayLength() == 0) return false;
            firing = recent[0];
            return true;
        }, timeout, "the schedule's first firing");
        return firing;
    }

    private async Task<HttpResponseMessage> DeleteAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, path);
        request.Headers.Add("X-Api-Key", ClusterFixture.ApiKey);
        return await cluster.Api.SendAsync(request);
    }
}
