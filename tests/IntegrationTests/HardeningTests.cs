using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// Requests that once crashed or exhausted the orchestrator, sent at full size to the real process: each is refused
/// with problem details naming the field, within a second of the process's CPU, and the process stays up and healthy.
/// </summary>
[Collection(ClusterCollection.Name)]
public class HardeningTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Crash_class_payloads_at_full_size_are_refused_quickly_and_the_orchestrator_stays_up()
    {
        var orchestrator = cluster.Orchestrator!;
        // Restart the high-water mark of resident memory, so the peak below is this test's, not an earlier one's.
        await File.WriteAllTextAsync($"/proc/{orchestrator.Id}/clear_refs", "5");
        var peakBefore = PeakResidentBytes(orchestrator);
        var failures = new List<string>();
        foreach (var payload in HostilePayload.All)
        {
            var (status, body, wall, cpu) = await SendMeasuredAsync(payload);
            var what = $"{payload.Class} ({payload.Body.Length:N0} bytes to {payload.Path})";
            if (payload.Field is { } field)
            {
                if (status is < 400 or >= 500) failures.Add($"{what}: {status}, expected a 4xx");
                else if (!ErrorFields(body).Contains(field)) failures.Add($"{what}: the problem does not name '{field}': {body[..Math.Min(body.Length, 300)]}");
            }
            else if (status >= 500) failures.Add($"{what}: {status}");
            if (cpu > TimeSpan.FromSeconds(1)) failures.Add($"{what}: {cpu.TotalMilliseconds:F0} ms of orchestrator CPU");
            if (wall > TimeSpan.FromSeconds(5)) failures.Add($"{what}: answered after {wall.TotalMilliseconds:F0} ms");
            Assert.False(orchestrator.HasExited, $"the orchestrator died on {what}");
            Assert.Equal(HttpStatusCode.OK, (await cluster.Api.GetAsync("health")).StatusCode);
        }
        // Every failure in full: Assert.Empty cuts a collection's items short, and which limit was passed is the point.
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        var growth = PeakResidentBytes(orchestrator) - peakBefore;
        Assert.True(growth < 100L << 20, $"the orchestrator's peak memory grew by {growth >> 20} MiB");
    }

    [Theory]
    [InlineData("api/sweeps?page=abc", "page")]
    [InlineData("api/sweeps?pageSize=1e9", "pageSize")]
    [InlineData("api/sweeps?page=0", "page")]
    [InlineData("api/runs/0197a000-0000-7000-8000-000000000001/metrics/loss?maxPoints=abc", "maxPoints")]
    public async Task Unparseable_query_parameters_are_problems_naming_the_parameter(string path, string parameter)
    {
        using var response = await cluster.Api.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(parameter, ErrorFields(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Triggering_a_paused_schedule_is_a_409_problem()
    {
        using var created = await cluster.PostAsync("api/schedules", """{"name":"it-paused","cron":"0 3 * * *","spec":{"base":{}}}""");
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await cluster.PostAsync($"api/schedules/{id}/pause")).Dispose();

        using var triggered = await cluster.PostAsync($"api/schedules/{id}/trigger");
        Assert.Equal(HttpStatusCode.Conflict, triggered.StatusCode);
        Assert.Equal("application/problem+json", triggered.Content.Headers.ContentType?.MediaType);
        Assert.Contains("resume", (await triggered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        (await cluster.Api.DeleteAsync($"api/schedules/{id}")).Dispose();
    }

    [Fact]
    public async Task Previews_beyond_the_rate_limit_get_429_with_retry_after_and_the_client_recovers()
    {
        const string spec = """{"name":"it-rate","base":{}}""";
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 60 && refused is null; i++)
        {
            var response = await cluster.PostAsync("api/sweeps/preview", spec, apiKey: null, honourRateLimits: false); // anonymous: limited per address
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.Dispose();
        }
        Assert.NotNull(refused);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 20, "the burst allowance was not honoured");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {refused.Headers.RetryAfter}");
        refused.Dispose();

        // The bucket refills: a client that waits as told is served again.
        await ClusterFixture.WaitUntilAsync(async () =>
        {
            using var again = await cluster.PostAsync("api/sweeps/preview", spec, apiKey: null, honourRateLimits: false);
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "the preview bucket to refill");
    }

    [Fact]
    public async Task A_stored_schedule_with_a_bad_time_zone_does_not_stop_the_orchestrator_at_its_next_start()
    {
        // As an older version stored it: a row with an empty time zone and no Hangfire job, beside a good schedule.
        using var good = await cluster.PostAsync("api/schedules", """{"name":"it-good-after-restart","cron":"0 4 * * *","spec":{"base":{}}}""");
        var goodId = (await good.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var badId = Guid.CreateVersion7();
        await cluster.ScalarAsync($$"""
            INSERT INTO schedules (id, name, cron, time_zone, spec, paused, created_at)
            VALUES ('{{badId}}', 'it-bad-zone', '0 3 * * *', '', '{"name":"it-bad-zone"}', false, now()) RETURNING 1
            """);

        cluster.Orchestrator!.Kill();
        await cluster.Orchestrator.WaitForExitAsync();
        await cluster.StartOrchestratorAsync(); // waits for /health

        var schedules = await cluster.Api.GetFromJsonAsync<JsonElement>("api/schedules");
        Assert.Contains(schedules.EnumerateArray(), s => s.GetProperty("id").GetGuid() == badId);
        Assert.Equal(1, await cluster.ScalarAsync($"SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = 'schedule-{goodId:N}'"));
        Assert.Equal(0, await cluster.ScalarAsync($"SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = 'schedule-{badId:N}'"));
        (await cluster.Api.DeleteAsync($"api/schedules/{goodId}")).Dispose();
        (await cluster.Api.DeleteAsync($"api/schedules/{badId}")).Dispose();
    }

    private async Task<(int Status, string Body, TimeSpan Wall, TimeSpan Cpu)> SendMeasuredAsync(HostilePayload payload)
    {
        var orchestrator = cluster.Orchestrator!;
        orchestrator.Refresh();
        var cpuBefore = orchestrator.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        while (true)
        {
            using var request = new HttpRequestMessage(payload.Method, payload.Path) { Content = new StringContent(payload.Body, Encoding.UTF8, payload.ContentType) };
            if (payload.NeedsKey) request.Headers.Add("X-Api-Key", ClusterFixture.ApiKey);
            response = await cluster.Api.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests) break;
            // Rate-limited (previews share a bucket per client): wait as told and measure the real answer.
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            response.Dispose();
            orchestrator.Refresh();
            cpuBefore = orchestrator.TotalProcessorTime;
            clock.Restart();
        }
        using var _ = response;
        var body = await response.Content.ReadAsStringAsync();
        var wall = clock.Elapsed;
        orchestrator.Refresh();
        return ((int)response.StatusCode, body, wall, orchestrator.TotalProcessorTime - cpuBefore);
    }

    /// <summary>The fields a validation problem names (its "errors" object).</summary>
    public static IReadOnlyList<string> ErrorFields(string problem)
    {
        try
        {
            using var document = JsonDocument.Parse(problem);
            return document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                ? errors.EnumerateObject().Select(e => e.Name).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>VmHWM: the most resident memory the process has had.</summary>
    private static long PeakResidentBytes(Process process) =>
        File.ReadLines($"/proc/{process.Id}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).Single();
}
