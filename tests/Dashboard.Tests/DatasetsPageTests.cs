using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Dashboard.Account;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Datasets;

namespace ScaleLab.Dashboard.Tests;

/// <summary>bUnit renders of the Datasets page against an in-memory API.</summary>
public class DatasetsPageTests : BunitContext
{
    private static readonly DateTimeOffset Registered = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly DashboardSessions _sessions = new(TimeProvider.System);

    public DatasetsPageTests()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // "N0" writes 1,234,567
        Services.AddSingleton(_sessions);
    }

    [Fact]
    public void Ready_data_set_shows_its_documents_bytes_hash_and_tokens_per_split()
    {
        var gpt2 = Job("gpt2", TokenizationStatus.Succeeded) with
        {
            Progress = 1,
            Tokens = 2_345_678,
            TrainTokens = 2_322_221,
            ValidationTokens = 23_457,
            ValidationBytes = 98_765,
        };
        UseApi(Dataset("tinystories", gpt2) with
        {
            ContentHash = "3f9a1c0e5b7d24680123456789abcdef0123456789abcdef0123456789abcdef",
            Files = 4,
            Documents = 21_990,
            Bytes = 9_876_543,
        });

        var page = RenderPage();

        var row = page.WaitForElement("tr[data-dataset='tinystories'][data-tokenizer='gpt2']");
        Assert.Equal("Ready", row.QuerySelector(".status")!.TextContent);
        Assert.Equal("21,990", Cell(row, "documents"));
        Assert.Equal("9,876,543", Cell(row, "bytes"));
        Assert.Equal("3f9a1c0e5b7d", Cell(row, "hash"));
        Assert.Equal("2,345,678", Cell(row, "tokens"));
        Assert.Equal("2,322,221", Cell(row, "train"));
        Assert.Equal("23,457", Cell(row, "validation"));
        Assert.Equal("4.210", Cell(row, "bytes-per-token")); // 98,765 validation bytes / 23,457 tokens
    }

    [Fact]
    public void Running_job_shows_its_progress_attempt_and_worker()
    {
        UseApi(Dataset("web", Job("gpt2", TokenizationStatus.Running) with { Progress = 0.42, Attempt = 2, Worker = "worker-3" }));

        var page = RenderPage();

        var row = page.WaitForElement("tr[data-dataset='web'][data-tokenizer='gpt2']");
        Assert.Equal("Tokenizing", row.QuerySelector(".status")!.TextContent);
        Assert.Equal("0.42", row.QuerySelector("progress")!.GetAttribute("value"));
        Assert.Equal("42% · attempt 2 on worker-3", Normalized(Cell(row, "job")));
    }

    [Fact]
    public void Failed_job_shows_the_field_and_the_error()
    {
        UseApi(Dataset("web",
            Job("bytes", TokenizationStatus.Succeeded) with { Tokens = 1000, TrainTokens = 990, ValidationTokens = 10, ValidationBytes = 10 },
            Job("cl100k", TokenizationStatus.Failed) with { Attempt = 3, ErrorField = "textField", Error = "line 17 has no string field 'text'" }));

        var page = RenderPage();

        var row = page.WaitForElement("tr[data-dataset='web'][data-tokenizer='cl100k']");
        Assert.Equal("Failed", page.Find("tr[data-dataset='web'] .status").TextContent);
        Assert.Equal("textField", row.QuerySelector("td[data-key=job] code")!.TextContent);
        Assert.Equal("textField: line 17 has no string field 'text' (attempt 3)", Normalized(Cell(row, "job")));
    }

    [Fact]
    public void Registration_shows_a_validation_problem_next_to_the_field_it_names()
    {
        const string message = "must be an absolute path on the workers, or blob://container/prefix";
        var api = UseApi(post: () => FakeApi.ValidationProblem("The data set registration is invalid", new() { ["source"] = [message] }));
        LogIn("key-1");
        var page = RenderPage();

        page.Find("#d-name").Change("tinystories");
        page.Find("#d-source").Change("data/tinystories");
        page.Find("#register-dataset").Click();

        var field = page.WaitForElement("[data-field=source].invalid");
        Assert.Equal(message, field.QuerySelector("small.error")!.TextContent);
        Assert.Empty(page.FindAll("[data-field=name].invalid"));
        Assert.Empty(page.FindAll("#dataset-errors"));
        Assert.Single(api.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public void Registration_posts_the_form_with_the_signed_in_users_key()
    {
        var api = UseApi(post: () => FakeApi.Json(Dataset("tinystories", Job("gpt2", TokenizationStatus.Queued)), HttpStatusCode.Created));
        LogIn("key-1");
        var page = RenderPage();

        page.Find("#d-name").Change("tinystories");
        page.Find("#d-source").Change("/data/tinystories");
        page.Find("#d-format").Change(DatasetFormats.Jsonl);
        page.Find("#d-tokenizer-cl100k").Change(true);
        page.Find("#register-dataset").Click();

        page.WaitForElement("#registered");
        var post = Assert.Single(api.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal(("/api/datasets", "key-1"), (post.Path, post.ApiKey));
        var sent = JsonSerializer.Deserialize<DatasetRegistration>(post.Body!, JsonSerializerOptions.Web)!;
        Assert.Equal(("tinystories", "/data/tinystories", DatasetFormats.Jsonl), (sent.Name, sent.Source, sent.Format));
        Assert.Equal([DatasetTokenizers.Gpt2, DatasetTokenizers.Cl100k], sent.Tokenizers);
    }

    /// <summary>The page as a live circuit renders it (services must all be added before this).</summary>
    private IRenderedComponent<DatasetsPage> RenderPage()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<DatasetsPage>();
    }

    private FakeApi UseApi(params DatasetView[] datasets) => UseApi(null, datasets);

    private FakeApi UseApi(Func<HttpResponseMessage>? post, params DatasetView[] datasets)
    {
        var api = new FakeApi(request => request.Method == HttpMethod.Post && post is not null ? post() : FakeApi.Json(datasets));
        Services.AddSingleton(api.Client());
        return api;
    }

    private void LogIn(string apiKey)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("api-key holder");
        auth.SetClaims(new Claim(DashboardSessions.Claim, _sessions.Open(apiKey)));
    }

    private static DatasetView Dataset(string name, params TokenizationView[] jobs) =>
        new(Guid.NewGuid(), name, $"/data/{name}", DatasetFormats.Jsonl, "text", 0.01, "alice", Registered, null, null, null, null, jobs);

    private static TokenizationView Job(string tokenizer, TokenizationStatus status) =>
        new(tokenizer, status, 0, 1, null, null, null, null, null, 0, null, null, null, Registered, null, null);

    private static string Cell(AngleSharp.Dom.IElement row, string key) => row.QuerySelector($"td[data-key='{key}']")!.TextContent.Trim();

    private static string Normalized(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
