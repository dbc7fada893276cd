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
}
