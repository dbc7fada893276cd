using System.Security.Claims;
using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Account;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Dashboard.Components.Shared;
using ScaleLab.Sweeps;

namespace ScaleLab.Dashboard.Tests;

/// <summary>A sweep's tags, notes and archive switch on its page: what is sent, with whose key, and what is shown.</summary>
public class SweepAnnotationsTests : BunitContext
{
    private static readonly Guid SweepId = Guid.NewGuid();
    private readonly DashboardSessions _sessions = new(TimeProvider.System);

    private static SweepDetail Detail(IReadOnlyList<string> tags, string notes, bool archived) =>
        new(new SweepSummary(SweepId, "iso", StudyKinds.IsoFlop, SweepStatus.Succeeded, 0, 0, 0, 1e15, DateTimeOffset.UtcNow, null,
            Tags: tags, Archived: archived), "{}", [], notes);

    private FakeApi Render(SweepDetail stored, out IRenderedComponent<SweepPage> page, string? apiKey = "key-1")
    {
        var current = stored;
        var api = new FakeApi(request =>
        {
            if (request.Method == HttpMethod.Patch)
            {
                var change = JsonSerializer.Deserialize<SweepAnnotations>(request.Content!.ReadAsStringAsync().Result, JsonSerializerOptions.Web)!;
                current = current with
                {
                    Sweep = current.Sweep with { Tags = change.Tags is null ? current.Sweep.Tags : [.. change.Tags.Distinct()], Archived = change.Archived ?? current.Sweep.Archived },
                    Notes = change.Notes ?? current.Notes,
                };
            }
            return FakeApi.Json(current);
        });
        Services.AddSingleton(api.Client());
        Services.AddSingleton(_sessions);
        var auth = AddAuthorization();
        if (apiKey is not null)
        {
            auth.SetAuthorized("api-key holder");
            auth.SetClaims(new Claim(DashboardSessions.Claim, _sessions.Open(apiKey)));
        }
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        page = Render<SweepPage>(p => p.Add(c => c.Id, SweepId));
        return api;
    }

    [Fact]
    public void Tags_and_notes_are_saved_with_the_users_key_and_shown_as_stored()
    {
        var api = Render(Detail(["baseline"], "", archived: false), out var page);
        page.WaitForAssertion(() => Assert.Equal("baseline", page.Find("#sweep-tags").GetAttribute("value")));

        page.Find("#sweep-tags").Input("baseline, gla ,, gla");
        page.Find("#sweep-notes").Input("GLA loses at 4k tokens.\nRerun with the conv.");
        page.Find("#save-annotations").Click();

        var patch = Assert.Single(api.Requests, r => r.Method == HttpMethod.Patch);
        Assert.Equal($"/api/sweeps/{SweepId}", patch.Path);
        Assert.Equal("key-1", patch.ApiKey);
        var sent = JsonSerializer.Deserialize<SweepAnnotations>(patch.Body!, JsonSerializerOptions.Web)!;
        Assert.Equal(["baseline", "gla", "gla"], sent.Tags!);
        Assert.Equal("GLA loses at 4k tokens.\nRerun with the conv.", sent.Notes);
        Assert.Null(sent.Archived);
        // The page shows what the API stored (it keeps each tag once), not what was typed.
        page.WaitForAssertion(() => Assert.Equal(["baseline", "gla"], page.FindAll("#sweep-annotations .tag").Select(t => t.TextContent)));
        Assert.Equal("baseline, gla", page.Find("#sweep-tags").GetAttribute("value"));
        Assert.NotNull(page.Find("#annotations-saved"));
    }

    [Fact]
    public void Archiving_asks_first_then_sends_only_the_flag()
    {
        var api = Render(Detail([], "kept notes", archived: false), out var page);
        page.WaitForAssertion(() => page.Find("#archive-sweep"));

        page.Find("#archive-sweep").Click();
        Assert.DoesNotContain(api.Requests, r => r.Method == HttpMethod.Patch);
        page.Find("#archive-sweep-yes").Click();

        var sent = JsonSerializer.Deserialize<SweepAnnotations>(Assert.Single(api.Requests, r => r.Method == HttpMethod.Patch).Body!, JsonSerializerOptions.Web)!;
        Assert.Equal((null, null, true), (sent.Tags, sent.Notes, sent.Archived));
        page.WaitForAssertion(() => Assert.Contains("Archived", page.Find("#sweep-archived").TextContent));
        Assert.Equal("Unarchive", page.Find("#archive-sweep").TextContent);
    }

    [Fact]
    public void Without_a_key_the_notes_are_read_only_and_nothing_can_be_sent()
    {
        Render(Detail(["x"], "read me", archived: false), out var page, apiKey: null);
        page.WaitForAssertion(() => Assert.Equal("read me", page.Find("#sweep-notes-text").TextContent));

        Assert.Empty(page.FindAll("#sweep-tags"));
        Assert.Empty(page.FindAll("#archive-sweep"));
        Assert.NotNull(page.Find("#sweep-annotations .login-hint"));
    }

    [Fact]
    public void Archiving_keeps_what_is_being_typed()
    {
        Render(Detail(["baseline"], "", archived: false), out var page);
        page.WaitForAssertion(() => page.Find("#archive-sweep"));

        page.Find("#sweep-notes").Input("half-written thought");
        page.Find("#archive-sweep").Click();
        page.Find("#archive-sweep-yes").Click();

        page.WaitForAssertion(() => Assert.Equal("Unarchive", page.Find("#archive-sweep").TextContent));
        Assert.Equal("half-written thought", page.Find("#sweep-notes").GetAttribute("value") ?? page.Find("#sweep-notes").TextContent);
    }

    [Fact]
    public void Tags_are_read_from_a_comma_separated_line()
    {
        Assert.Equal(["a", "b c", "d"], SweepAnnotationsEditor.ParseTags(" a,b c ,, d,"));
        Assert.Empty(SweepAnnotationsEditor.ParseTags(" , "));
    }
}
