using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Sweeps;
using ScaleLab.Sweeps;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// GET /api/sweeps?idPrefix=: the sweeps whose id begins with a prefix of hex digits (how the CLI resolves a short
/// id), as a range on the primary key, on the in-process host's own database.
/// </summary>
[Collection(ClusterCollection.Name)]
public class SweepIdPrefixInProcessTests(ClusterFixture cluster) : IAsyncLifetime
{
    private InProcessOrchestrator _host = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _host = await cluster.InProcessAsync();
        _api = _host.CreateApiClient(apiKey: null);
    }

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Sweeps with the given ids, each created a minute after the one before.</summary>
    private async Task InsertAsync(params (Guid Id, bool Archived)[] sweeps)
    {
        await using var db = await _host.Get<IDbContextFactory<ScaleLabDb>>().CreateDbContextAsync();
        var start = DateTimeOffset.UtcNow;
        db.Sweeps.AddRange(sweeps.Select((s, i) => new SweepRecord
        {
            Id = s.Id, Name = $"prefix-{s.Id:N}", Kind = StudyKinds.Grid, SpecJson = "{}", Status = SweepStatus.Succeeded,
            Archived = s.Archived, CreatedAt = start.AddMinutes(i),
        }));
        await db.SaveChangesAsync();
    }

    /// <summary>The ids listed and the total, as one line: "id, id (total n)".</summary>
    private async Task<string> ListAsync(string query)
    {
        var page = await _api.GetFromJsonAsync<JsonElement>("api/sweeps?" + query);
        return Listed([.. page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid())], page.GetProperty("total").GetInt32());
    }

    private static string Listed(Guid[] ids, int total) => $"{string.Join(", ", ids)} (total {total})";

    [Fact]
    public async Task A_prefix_finds_exactly_the_sweeps_whose_id_begins_with_it_in_any_case_with_or_without_dashes()
    {
        // Seven shared digits, then ids at both ends of the range the prefix names, one between, and a neighbour
        // just outside each end; one of those inside is archived.
        var shared = Guid.NewGuid().ToString("N")[..7];
        Guid Id(string rest) => Guid.ParseExact(shared + rest, "N");
        var (lowest, middle, highest) = (Id(new string('0', 25)), Id("8" + Guid.NewGuid().ToString("N")[8..]), Id(new string('f', 25)));
        var below = Guid.ParseExact(Before(shared) + new string('f', 25), "N");
        var above = Guid.ParseExact(After(shared) + new string('0', 25), "N");
        await InsertAsync((below, false), (lowest, false), (middle, true), (highest, false), (above, false));

        var commands = _host.Sql.Record();
        var found = await ListAsync($"idPrefix={shared}&includeArchived=true");
        var written = middle.ToString()[..11].ToUpperInvariant();   // as copied from a full id: 10 digits and a dash
        var copied = await ListAsync($"idPrefix={written}&includeArchived=true");
        var copiedUnarchived = await ListAsync($"idPrefix={written}");
        var unarchived = await ListAsync($"idPrefix={shared}");
        var whole = await ListAsync($"idPrefix={highest:N}");
        var none = await ListAsync($"idPrefix={shared}&includeArchived=true&search=no-such-sweep");

        Assert.Equal(Listed([highest, middle, lowest], 3), found);   // newest first
        Assert.Equal(Listed([middle], 1), copied);
        Assert.Equal(Listed([], 0), copiedUnarchived);   // the only sweep with those digits is archived
        Assert.Equal(Listed([highest, lowest], 2), unarchived);
        Assert.Equal(Listed([highest], 1), whole);
        Assert.Equal(Listed([], 0), none);
        // A range on the id, which the primary key's index serves, not a match on the id's text.
        var list = commands.First(c => c.Contains("FROM sweeps", StringComparison.Ordinal) && c.Contains("ORDER BY", StringComparison.Ordinal));
        Assert.Matches(@"s\.id >= @\w+ AND s\.id <= @\w+", list);
        Assert.DoesNotContain("::text", list);
        Assert.DoesNotContain("LIKE", list);
    }

    [Theory]
    [InlineData("12ab")]   // fewer than 6 digits
    [InlineData("--12ab--")]   // dashes are no digits
    [InlineData("12ab5g")]   // not hex
    [InlineData("12ab 56")]
    [InlineData("0123456789abcdef0123456789abcdef0")]   // 33 digits
    [InlineData("0123-4567-89ab-cdef-0123-4567-89ab-cdef")]   // 32 digits, but longer than an id is written
    [InlineData("")]
    public async Task A_prefix_that_is_not_the_start_of_an_id_is_a_problem_naming_idPrefix(string idPrefix)
    {
        using var response = await _api.GetAsync($"api/sweeps?idPrefix={Uri.EscapeDataString(idPrefix)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        ProblemDetailsShape.AssertValidationProblem(problem, "One or more validation errors occurred.", "idPrefix");
        Assert.Equal([Catalog.IdRange.Rule], problem.GetProperty("errors").GetProperty("idPrefix").EnumerateArray().Select(m => m.GetString()));
    }

    /// <summary>The hex number one less than <paramref name="digits"/> (the same length); <paramref name="digits"/> is not all 0s.</summary>
    private static string Before(string digits) => Convert.ToInt64(digits, 16) is var n and > 0
        ? (n - 1).ToString("x").PadLeft(digits.Length, '0') : throw new ArgumentException("no hex number of this length is smaller", nameof(digits));

    /// <summary>The hex number one more than <paramref name="digits"/> (the same length); <paramref name="digits"/> is not all fs.</summary>
    private static string After(string digits) => (Convert.ToInt64(digits, 16) + 1).ToString("x").PadLeft(digits.Length, '0') is var s && s.Length == digits.Length
        ? s : throw new ArgumentException("no hex number of this length is larger", nameof(digits));
}
