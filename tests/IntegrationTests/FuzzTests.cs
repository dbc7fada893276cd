using System.Net;
using System.Text;

namespace ScaleLab.IntegrationTests;

/// <summary>Hostile and malformed requests get a 4xx, never a 5xx, and the service stays healthy.</summary>
[Collection(ClusterCollection.Name)]
public class FuzzTests(ClusterFixture cluster)
{
    private static readonly string[] Injections =
    [
        "'; DROP TABLE sweeps; --", "\" OR 1=1 --", "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%00", "<script>alert(1)</script>",
        "${jndi:ldap://x}", "{{7*7}}", "\u0000\u0001\u0002", new string('A', 5000), "😀🚀", "NaN", "-Infinity", "1e309", "-1", "0x7fffffff",
    ];

    /// <summary>A request and whether it must be refused (malformed), or merely must not break anything (hostile but valid text).</summary>
    private sealed record Probe(HttpMethod Method, string Path, string? Body, string ContentType, bool MustRefuse = true);

    private static IEnumerable<Probe> Requests()
    {
        var random = new Random(20261122);
        // Specs: bad JSON, wrong types, absurd sizes, NaN learning rates, huge grids, hostile names.
        string[] specs =
        [
            "", "{", "}", "[]", "null", "true", "42", "\"spec\"", "{\"name\":", "{\"name\":null}", "{\"name\":123}",
            "{\"name\":\"x\",\"base\":[]}", "{\"name\":\"x\",\"base\":{\"dModel\":1e300}}", "{\"name\":\"x\",\"base\":{\"dModel\":-1}}",
            "{\"name\":\"x\",\"base\":{\"learningRate\":\"NaN\"}}", "{\"name\":\"x\",\"base\":{\"learningRate\":NaN}}",
            "{\"name\":\"x\",\"base\":{\"tokens\":99999999999999999999999}}", "{\"name\":\"x\",\"base\":{\"nLayers\":2.5}}",
            "{\"name\":\"x\",\"axes\":{\"dModel\":[" + string.Join(",", Enumerable.Range(1, 2000).Select(i => i * 8)) + "]}}",
            "{\"name\":\"x\",\"axes\":{\"seed\":[" + string.Join(",", Enumerable.Range(0, 999)) + "],\"dModel\":[64,128],\"nLayers\":[1,2]}}",
            "{\"name\":\"x\",\"kind\":\"isoflop\",\"isoflop\":{\"budgets\":[1e300]}}", "{\"name\":\"x\",\"kind\":\"isoflop\",\"isoflop\":{\"budgets\":[1e12],\"sizesPerBudget\":1000000}}",
            "{\"name\":\"x\",\"kind\":\"ablation\",\"ablation\":{\"variations\":{}}}", "{\"name\":\"x\",\"priority\":1e9}",
            new string('[', 10000) + new string(']', 10000), "{\"name\":\"x\",\"base\":{\"dModel\":64,\"dModel\":128}}",
        ];
        foreach (var spec in specs)
        {
            yield return new(HttpMethod.Post, "api/sweeps", spec, "application/json");
            yield return new(HttpMethod.Post, "api/sweeps/preview", spec, "application/json");
        }
        foreach (var text in Injections)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(text);
            // As a name, some of these are fine ("NaN" is a legal name): preview them, which stores nothing.
            yield return new(HttpMethod.Post, "api/sweeps/preview", $"{{\"name\":{json}}}", "application/json", MustRefuse: false);
            yield return new(HttpMethod.Post, "api/sweeps", $"{{\"name\":\"x\",\"axes\":{{{json}:[1]}}}}", "application/json");
            yield return new(HttpMethod.Get, $"api/sweeps?search={Uri.EscapeDataString(text)}", null, "", MustRefuse: false);
            yield return new(HttpMethod.Get, $"api/sweeps?page={Uri.EscapeDataString(text)}", null, "");
            yield return new(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(text)}", null, "");
            yield return new(HttpMethod.Get, $"api/runs/{Guid.NewGuid()}/metrics/{Uri.EscapeDataString(text)}", null, "");
            yield return new(HttpMethod.Post, "api/fits", $"{{\"law\":\"compute\",\"groupBy\":{json},\"sweepIds\":[]}}", "application/json");
            yield return new(HttpMethod.Post, "api/fits?law=" + Uri.EscapeDataString(text), $"n,d,loss\n{text},1,2\n", "text/csv");
        }
        // Wrong content types, paths and verbs.
        yield return new(HttpMethod.Post, "api/sweeps", "<xml/>", "application/xml");
        yield return new(HttpMethod.Post, "api/sweeps", "{\"name\":\"x\"}", "multipart/form-data; boundary=x");
        yield return new(HttpMethod.Put, "api/sweeps", "{}", "application/json");
        yield return new(HttpMethod.Delete, "api/sweeps", null, "");
        yield return new(HttpMethod.Get, "api/sweeps?pageSize=-5", null, "");
        yield return new(HttpMethod.Get, "api/sweeps?pageSize=99999999999", null, "");
        yield return new(HttpMethod.Get, $"api/runs/{Guid.NewGuid()}/metrics/loss?maxPoints=0", null, "");
        yield return new(HttpMethod.Post, $"api/sweeps/{Guid.NewGuid()}/cancel", null, "");
        yield return new(HttpMethod.Post, "api/fits", "{\"law\":\"chinchilla\",\"points\":[{\"n\":\"big\"}]}", "application/json");
        yield return new(HttpMethod.Post, "api/fits", "{\"law\":\"chinchilla\",\"bootstrap\":-3,\"points\":[]}", "application/json");
        // Extreme but finite numbers: a fit may refuse them or fit them, but must not fall over.
        yield return new(HttpMethod.Post, "api/fits", "{\"law\":\"compute\",\"points\":[{\"n\":1e308,\"d\":1e308,\"loss\":1e308}," +
                                                   "{\"n\":1e308,\"d\":1e308,\"loss\":1e-308},{\"n\":1,\"d\":1,\"loss\":1}]}", "application/json", MustRefuse: false);
        // Random byte soup.
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);
            yield return new(HttpMethod.Post, i % 2 == 0 ? "api/sweeps" : "api/fits", Convert.ToBase64String(bytes) + "\u00ff", "application/json");
        }

        // Artifact names that try to leave the run's folder, and schedules with hostile fields.
        string[] artifactNames = ["..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f", "checkpoint-final%00.txt", "a%5C..%5Cb", "%2Fetc%2Fpasswd",
            "final.ckpt%3F", new string('a', 300), "~root", "latest.ckpt"];
        foreach (var name in artifactNames)
        {
            yield return new(HttpMethod.Get, $"api/runs/{Guid.NewGuid()}/artifacts/{name}", null, "");
            yield return new(HttpMethod.Get, $"api/runs/{Guid.NewGuid()}/logs?x={name}", null, "", MustRefuse: false);
        }
        string[] schedules =
        [
            "{}", "[]", "{\"name\":\"x\",\"cron\":\"* * * * *\",\"spec\":[]}", "{\"name\":\"x\",\"cron\":\"@reboot\",\"spec\":{}}",
            "{\"name\":\"x\",\"cron\":\"0 0 30 2 *\",\"spec\":{}}", "{\"name\":\"x\",\"cron\":\"0 3 * * *\",\"timeZone\":\"../../etc/localtime\",\"spec\":{}}",
            "{\"name\":\"x\",\"cron\":\"" + new string('*', 500) + "\",\"spec\":{}}", "{\"name\":\"x\",\"cron\":1,\"spec\":{}}",
            "{\"name\":\"x'; DROP TABLE schedules;--\",\"cron\":\"0 3 * * *\",\"spec\":{}}",
            "{\"name\":\"x\",\"cron\":\"0 3 * * *\",\"spec\":{\"kind\":\"random\",\"random\":{\"runs\":1e12,\"parameters\":{}}}}",
        ];
        foreach (var schedule in schedules) yield return new(HttpMethod.Post, "api/schedules", schedule, "application/json");
        yield return new(HttpMethod.Post, $"api/schedules/{Guid.NewGuid()}/trigger", null, "");
        yield return new(HttpMethod.Delete, $"api/schedules/{Guid.NewGuid()}", null, "");
        yield return new(HttpMethod.Post, "api/sweeps", "{\"name\":\"x\",\"kind\":\"random\",\"random\":{\"runs\":5,\"parameters\":{\"learningRate\":{\"logUniform\":[-1,\"a\"]}}}}", "application/json");
    }

    [Fact]
    public async Task Two_hundred_hostile_requests_get_only_client_errors_and_the_service_stays_healthy()
    {
        var requests = Requests().ToList();
        Assert.True(requests.Count >= 200, $"only {requests.Count} requests");
        var failures = new List<string>();

        foreach (var (method, path, body, contentType, mustRefuse) in requests)
        {
            HttpRequestMessage Request()
            {
                var request = new HttpRequestMessage(method, path);
                if (body is not null) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                if (body is not null && contentType.Length > 0) request.Content!.Headers.TryAddWithoutValidation("Content-Type", contentType);
                request.Headers.Add("X-Api-Key", ClusterFixture.ApiKey);
                return request;
            }
            // Previews and fits are rate-limited: waiting as told, every probe reaches the code it is aimed at.
            using var response = await cluster.SendAsync(Request);
            var status = (int)response.StatusCode;
            if (status >= 500 || (mustRefuse && status is < 400))
                failures.Add($"{method} {path[..Math.Min(path.Length, 80)]} [{body?[..Math.Min(body.Length, 60)]}] -> {status}");
        }

        Assert.Empty(failures);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Api.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Api.GetAsync("api/sweeps")).StatusCode);
    }
}
