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
    }
}
