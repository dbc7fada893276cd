using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Dashboard.Account;
using ScaleLab.Client;
using ScaleLab.Dashboard.Components.Pages;

namespace ScaleLab.Dashboard.Tests;

/// <summary>bUnit renders of the New study page against an in-memory API.</summary>
public class NewStudyPageTests : BunitContext
{
    [Fact]
    public void Preview_lists_the_warnings_the_api_gives()
    {
        const string warning = "2 run(s) would pass over tinystories/gpt2 more than 4 times: iso-1 (9.3 epochs), iso-2 (5 epochs). "
            + "Repeated tokens lose most of their value beyond about 4 epochs; fits flag these points.";
        var config = new ScaleLab.Runs.RunConfig();
        var preview = new ScaleLab.Sweeps.SweepPreview("iso", "isoflop", 2, 2e12, 3e10, 1, 67, 67,
            [new ScaleLab.Sweeps.PreviewRun("iso-1", 100_000, 150_000, 1_000_000, 1e12, 33, config),
             new ScaleLab.Sweeps.PreviewRun("iso-2", 200_000, 250_000, 500_000, 1e12, 34, config)], "non-embedding", "exact")
        { Warnings = [warning] };
        Services.AddSingleton(new FakeApi(_ => FakeApi.Json(preview)).Client());
        Services.AddSingleton(new DashboardSessions(TimeProvider.System));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<NewStudyPage>();

        var warnings = page.WaitForElement("#preview-warnings");
        Assert.Equal([warning], warnings.QuerySelectorAll("li").Select(li => li.TextContent));
        Assert.Empty(page.FindAll("#preview-saving")); // a grid is its own plain grid
    }

    [Fact]
    public void A_ladder_preview_shows_what_it_saves_against_the_same_points_from_scratch_and_which_trunk_each_branch_leaves()
    {
        var config = new ScaleLab.Runs.RunConfig();
        var preview = new ScaleLab.Sweeps.SweepPreview("ladder", "ladder", 2, 1.2e12, 3e10, 1, 40, 40,
            [new ScaleLab.Sweeps.PreviewRun("N=2E+4, 20 tokens/param, trunk", 20_000, 30_000, 400_000, 1e12, 33, config),
             new ScaleLab.Sweeps.PreviewRun("N=2E+4, 10 tokens/param, branch", 20_000, 30_000, 200_000, 5e11, 7, config)
                 { OwnFlops = 1e11, BranchOf = "N=2E+4, 20 tokens/param, trunk" }], "non-embedding", "exact")
        { PlainGridFlops = 1.5e12 };
        Services.AddSingleton(new FakeApi(_ => FakeApi.Json(preview)).Client());
        Services.AddSingleton(new DashboardSessions(TimeProvider.System));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = Render<NewStudyPage>();

        var saving = page.WaitForElement("#preview-saving").TextContent;
        Assert.Contains("would cost 1.5E+12 FLOPs", saving);
        Assert.Contains("80%", saving.Replace(" ", ""));                       // 1.2e12 of 1.5e12
        var branchRow = page.FindAll("#study-preview tbody tr")[1];
        Assert.Contains("branches off N=2E+4, 20 tokens/param, trunk", branchRow.TextContent);
        Assert.Contains("1E+11", branchRow.TextContent);                         // what the branch spends itself
    }

    [Fact]
    public void Choosing_the_crossing_target_sends_one_mixer_axis_of_two_architectures_and_previews_the_adaptive_plan()
    {
        var api = ValidatingApi();
        var page = RenderInteractive(api);

        ChooseCrossing(page);

        page.WaitForAssertion(() => Assert.Contains("interval of log10 C where the two architectures cross the most per FLOP, until it is narrower than 0.5 decades of compute", page.Find("#preview-saving").TextContent), Wait);
        var spec = JsonDocument.Parse(api.Requests[^1].Body!).RootElement;
        var adaptive = spec.GetProperty("isoflop").GetProperty("adaptive");
        Assert.Equal(("crossingCompute", 0.5, 0.5, 2), (adaptive.GetProperty("target").GetString(), adaptive.GetProperty("targetWidth").GetDouble(),
            adaptive.GetProperty("maxComputeFraction").GetDouble(), adaptive.GetProperty("runsPerRound").GetInt32()));
        var axis = Assert.Single(spec.GetProperty("axes").EnumerateObject());
        Assert.Equal("mixer", axis.Name);
        Assert.Equal(["softmax", "gla"], axis.Value.EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(("mixer", "softmax, gla"), (page.Find("#f-axisField").GetAttribute("value"), page.Find("#f-axisValues").GetAttribute("value")));
        Assert.Contains("decades of compute, log10 C", page.Find("[data-field=adaptiveWidth]").TextContent);
        Assert.Contains("Exactly two values", page.Find("[data-field=axisValues]").TextContent);
        // Every (budget, size) point of the grid is a candidate once per architecture (sizes that round to one shape merge).
        var runs = page.FindAll("#study-preview tbody tr td:first-child").Select(td => td.TextContent).ToList();
        Assert.InRange(runs.Count, 2 * 2 * 3, 2 * 3 * 5);   // at least each architecture's first fit; at most budgets x sizes x 2
        Assert.Contains($"of these {runs.Count} candidate runs", page.Find("#preview-saving").TextContent);
        Assert.Equal(runs.Count / 2, runs.Count(name => name.EndsWith("mixer=\"softmax\"", StringComparison.Ordinal)));
        Assert.Equal(runs.Count / 2, runs.Count(name => name.EndsWith("mixer=\"gla\"", StringComparison.Ordinal)));
        Assert.Empty(page.FindAll("#f-seeds"));                                                      // a crossing's one axis names its architectures
    }

    [Theory]
    [InlineData("#f-axisValues", "softmax")]   // one architecture
    [InlineData("#f-axisField", "")]           // no axis named
    public void A_crossing_without_one_axis_of_two_values_shows_the_api_message_under_the_architectures(string input, string value)
    {
        var api = ValidatingApi();
        var page = RenderInteractive(api);
        ChooseCrossing(page);
        page.WaitForElement("#preview-saving", Wait);

        page.Find(input).Input(value);

        var field = page.WaitForElement("[data-field=axisValues].invalid", Wait);
        Assert.Contains(field.QuerySelectorAll("small.error"), e => e.TextContent.StartsWith("a crossing compares two architectures: give one axis of two values", StringComparison.Ordinal));
        Assert.Single(page.FindAll(".field.invalid"));   // on the architectures, nowhere else
        Assert.Empty(page.FindAll("#preview-saving"));
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>The API's preview as the orchestrator answers it: the spec parsed and expanded by the shared pure rules, its errors as a validation problem.</summary>
    private static FakeApi ValidatingApi() => new(request =>
    {
        if (request.RequestUri!.AbsolutePath != "/api/sweeps/preview") return new HttpResponseMessage(System.Net.HttpStatusCode.NotFound);
        var errors = new ScaleLab.Validation.ValidationErrors();
        var spec = ScaleLab.Sweeps.SweepSpecParser.Parse(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult(), errors);
        var runs = spec is null ? null : ScaleLab.Sweeps.SweepExpander.Expand(Guid.Empty, spec, ScaleLab.Sweeps.SweepLimits.Default, errors);
        return runs is null || !errors.IsEmpty
            ? FakeApi.ValidationProblem("The sweep spec is invalid", new(errors.ToDictionary()))
            : FakeApi.Json(ScaleLab.Sweeps.SweepPreview.Of(spec!, runs, 3e10, 1));
    });

    private IRenderedComponent<NewStudyPage> RenderInteractive(FakeApi api)
    {
        Services.AddSingleton(api.Client());
        Services.AddSingleton(new DashboardSessions(TimeProvider.System));
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<NewStudyPage>();
    }

    /// <summary>On the IsoFLOP tab (the first), an adaptive design whose target is the crossing of two architectures.</summary>
    private static void ChooseCrossing(IRenderedComponent<NewStudyPage> page)
    {
        page.Find("#f-adaptive").Change(true);
        page.Find("#f-adaptiveTarget").Change(ScaleLab.Sweeps.AdaptiveSpec.CrossingCompute);
    }
}
