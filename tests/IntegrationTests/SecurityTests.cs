using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ScaleLab.IntegrationTests;

/// <summary>Keys stay secret, forms cannot be posted from another site, and an idempotency key cannot be reused for another study.</summary>
[Collection(ClusterCollection.Name)]
public partial class SecurityTests(ClusterFixture cluster)
{
    [Fact]
    public async Task An_idempotency_key_reused_with_another_spec_is_refused_with_422()
    {
        var key = "it-idem-" + Guid.NewGuid().ToString("N");
        const string first = """{"name":"it-idem-a","base":{"tokens":2048,"seqLen":16,"batchSize":4,"dModel":16,"nLayers":1,"nHeads":2}}""";
        using var created = await cluster.PostAsync("api/sweeps", first, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sweepId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid();

        using var replay = await cluster.PostAsync("api/sweeps", first, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(sweepId, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sweepId").GetGuid());

        using var different = await cluster.PostAsync("api/sweeps", first.Replace("it-idem-a", "it-idem-b"), idempotencyKey: key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", HardeningTests.ErrorFields(await different.Content.ReadAsStringAsync()));
        Assert.Equal(0, await cluster.ScalarAsync("SELECT count(*) FROM sweeps WHERE name = 'it-idem-b'"));
    }

    [Fact]
    public async Task The_hangfire_dashboard_refuses_a_form_post_without_its_antiforgery_token()
    {
        using var client = CookieClient(cluster.Api.BaseAddress!);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + ClusterFixture.ApiKey));

        // What a page on another site can make a logged-in browser send: the Basic credentials, no token.
        using var forged = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/trigger") { Content = Form(("jobs[]", "schedule-none")) };
        forged.Headers.TryAddWithoutValidation("Authorization", basic);
        using (var response = await client.SendAsync(forged)) Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        // The dashboard's own page carries the token its script sends back.
        using var page = new HttpRequestMessage(HttpMethod.Get, "hangfire/recurring");
        page.Headers.TryAddWithoutValidation("Authorization", basic);
        using var html = await client.SendAsync(page);
        var text = await html.Content.ReadAsStringAsync();
        string? Meta(string name) => MetaContent().Matches(text).FirstOrDefault(m => m.Groups["name"].Value == name)?.Groups["value"].Value;
        var (header, token) = (Meta("csrf-header"), Meta("csrf-token"));
        Assert.False(string.IsNullOrEmpty(token), "the dashboard page has no csrf-token");
        using var genuine = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/trigger") { Content = Form(("jobs[]", "schedule-none")) };
        genuine.Headers.TryAddWithoutValidation("Authorization", basic);
        genuine.Headers.TryAddWithoutValidation(header ?? "RequestVerificationToken", token);
        using (var response = await client.SendAsync(genuine)) Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [GeneratedRegex("""<meta name="(?<name>csrf-[a-z]+)" content="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex MetaContent();

    [Theory]
    [InlineData("application/json", """{"apiKey":"integration-test-key"}""")]
    [InlineData("application/x-www-form-urlencoded", "")]
    [InlineData("text/plain", "apiKey=integration-test-key")]
    public async Task The_dashboard_login_refuses_anything_but_its_own_form(string contentType, string body)
    {
        using var client = CookieClient(cluster.Dashboard.BaseAddress!);
        using var response = await client.PostAsync("account/login", new StringContent(body, Encoding.UTF8, contentType));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?error=", response.Headers.Location?.OriginalString);
        Assert.False(await IsLoggedInAsync(client));
    }

    [Fact]
    public async Task The_dashboard_login_without_its_antiforgery_token_logs_nobody_in()
    {
        using var client = CookieClient(cluster.Dashboard.BaseAddress!);
        using var response = await client.PostAsync("account/login", Form(("apiKey", ClusterFixture.ApiKey), ("returnUrl", "/")));
        Assert.StartsWith("/login?error=", response.Headers.Location?.OriginalString);
        Assert.False(await IsLoggedInAsync(client));
    }

    [Theory]
    [InlineData("integration-test-key\r\nX-Injected: 1", "printable ASCII")]
    [InlineData("integration-\ntest-key", "printable ASCII")]
    [InlineData("integration\0test-key", "the form was not sent")] // ASP.NET refuses a NUL while reading the form
    public async Task A_key_with_control_characters_is_refused_by_the_login_form(string key, string reason)
    {
        using var client = CookieClient(cluster.Dashboard.BaseAddress!);
        using var response = await client.PostAsync("account/login", Form(("apiKey", key), ("returnUrl", "/"),
            ("__RequestVerificationToken", await FormTokenAsync(client, "login"))));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(reason, Uri.UnescapeDataString(response.Headers.Location!.OriginalString));
        Assert.False(await IsLoggedInAsync(client));
    }

    [Fact]
    public async Task Logging_out_revokes_the_session_so_a_copied_cookie_logs_nobody_in()
    {
        using var client = CookieClient(cluster.Dashboard.BaseAddress!, out var cookies);
        using (var login = await client.PostAsync("account/login", Form(("apiKey", ClusterFixture.ApiKey), ("returnUrl", "/"),
                   ("__RequestVerificationToken", await FormTokenAsync(client, "login")))))
            Assert.Equal("/", login.Headers.Location?.OriginalString);
        Assert.True(await IsLoggedInAsync(client));
        var authCookie = cookies.GetCookies(cluster.Dashboard.BaseAddress!)["scalelab.auth"]!;
        Assert.DoesNotContain(ClusterFixture.ApiKey, Uri.UnescapeDataString(authCookie.Value));
        Assert.True(authCookie.HttpOnly);

        using (var logout = await client.PostAsync("account/logout", Form(("__RequestVerificationToken", await FormTokenAsync(client, "")))))
            Assert.Equal("/", logout.Headers.Location?.OriginalString);
        Assert.False(await IsLoggedInAsync(client));

        // The cookie as it was before logging out, replayed from elsewhere.
        using var thief = CookieClient(cluster.Dashboard.BaseAddress!, out var stolen);
        stolen.Add(cluster.Dashboard.BaseAddress!, new Cookie(authCookie.Name, authCookie.Value));
        Assert.False(await IsLoggedInAsync(thief));
    }

    [Fact]
    public async Task A_key_sent_in_a_query_string_never_reaches_the_orchestrator_log()
    {
        var marker = "it-log-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/sweeps?search={marker}&apiKey={ClusterFixture.ApiKey}");
        using (await cluster.Api.SendAsync(request)) { }
        using (await cluster.Api.GetAsync($"api/sweeps?api_key={ClusterFixture.ApiKey}&x={marker}")) { }
        using (await cluster.PostAsync("api/sweeps/preview", """{"name":"it-log"}""")) { } // a request with the key in its header

        var log = await cluster.ReadLogAsync("orchestrator");
        Assert.DoesNotContain(ClusterFixture.ApiKey, log);
        Assert.DoesNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cluster.PostgresConnectionString).Password!, log);
    }

    [Fact]
    public async Task Cli_help_never_prints_the_api_key()
    {
        const string secret = "it-secret-key-that-must-not-print";
        foreach (var args in new[] { new[] { "--help" }, ["submit", "--help"], ["schedules", "create", "--help"], ["cancel", "--help"], ["watch", "--help"], ["run", "--help"] })
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cluster.Root };
            info.ArgumentList.Add(Path.Combine(cluster.Root, "src/Cli/bin/Debug/net10.0/scalelab.dll"));
            foreach (var a in args) info.ArgumentList.Add(a);
            info.Environment["SCALELAB_API_KEY"] = secret;
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Contains("--api-key", output);
            Assert.DoesNotContain(secret, output);
        }
    }

    [Fact]
    public async Task Cli_errors_never_print_the_api_key()
    {
        const string secret = "it-secret-key-that-must-not-print";
        foreach (var args in new[]
        {
            new[] { "cancel", Guid.NewGuid().ToString(), "--api-key", secret },   // the API refuses the key
            ["sweeps", "--api-key", "@" + secret],                               // '@' does not make it a response file's name
            ["sweeps", "--api-key", secret, "--api-key", secret],                // given twice
            ["annotate", "abc", "--tag", "x", "--api-key", secret],             // beside a bad id
        })
        {
            var (_, stdout, stderr) = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), args);
            Assert.DoesNotContain(secret, stdout + stderr);
        }
    }

    [Fact]
    public async Task The_openapi_document_requires_the_api_key_on_mutations_and_only_there()
    {
        using var document = JsonDocument.Parse(await cluster.Api.GetStringAsync("openapi/v1.json"));
        var root = document.RootElement;
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());

        static bool Secured(JsonElement operation) =>
            operation.TryGetProperty("security", out var security) && security.EnumerateArray().Any(r => r.TryGetProperty("ApiKey", out _));
        var paths = root.GetProperty("paths");
        Assert.True(Secured(paths.GetProperty("/api/sweeps").GetProperty("post")));
        Assert.True(Secured(paths.GetProperty("/api/fits").GetProperty("post")));
        Assert.True(Secured(paths.GetProperty("/api/schedules/{id}").GetProperty("delete")));
        Assert.False(Secured(paths.GetProperty("/api/sweeps").GetProperty("get")));
        Assert.False(Secured(paths.GetProperty("/api/sweeps/preview").GetProperty("post")));
    }

    private static HttpClient CookieClient(Uri baseAddress) => CookieClient(baseAddress, out _);

    private static HttpClient CookieClient(Uri baseAddress, out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>The antiforgery token of a form on a dashboard page (and its cookie, kept by the client).</summary>
    private static async Task<string> FormTokenAsync(HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = Regex.Match(html, """name="__RequestVerificationToken" type="hidden" value="([^"]+)"|type="hidden" name="__RequestVerificationToken" value="([^"]+)"|value="([^"]+)" name="__RequestVerificationToken"|name="__RequestVerificationToken" value="([^"]+)" """.Trim());
        Assert.True(match.Success, $"no antiforgery token on /{page}");
        return WebUtility.HtmlDecode(match.Groups.Values.Skip(1).First(g => g.Success).Value);
    }

    /// <summary>The layout shows a logout form to a logged-in user and a login link to everyone else.</summary>
    private static async Task<bool> IsLoggedInAsync(HttpClient client) => (await client.GetStringAsync("")).Contains("action=\"/account/logout\"");
}
