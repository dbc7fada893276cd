using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Runs;

namespace ScaleLab.Dashboard.Tests;

/// <summary>A ladder's lineage on the run page: a branch names the trunk it parts from, a trunk lists its branches.</summary>
public class RunPageLineageTests : BunitContext
{
    private static readonly Guid TrunkId = Guid.NewGuid(), BranchId = Guid.NewGuid();

    public RunPageLineageTests()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ScaleLab:ApiUrl"] = "http://api.test/" }).Build());
    }

    private static RunSummary Summary(Guid id, string name, Guid? parent, int firstStep, int steps, double flops) =>
        new(id, Guid.NewGuid(), name, RunStatus.Succeeded, 20_000, 30_000, steps * 1024L, flops, 1, steps, steps, 3.0, 3.0, 3.1, null, null, 10, parent, firstStep);

    private IRenderedComponent<RunPage> Render(RunDetail detail)
    {
        var api = new FakeApi(request => request.RequestUri!.AbsolutePath switch
        {
            var p when p.EndsWith("/prediction") => FakeApi.Json(new LossPredictionView(detail.Run.Id, 1, 1, null, null, null, 0.9, null, 0, [], [], [], "no siblings")),
            var p when p.Contains("/metrics/") => FakeApi.Json(new MetricSeries(detail.Run.Id, MetricNames.Loss, [], [], [], [])),
            var p when p.EndsWith("/logs") => FakeApi.Json(Array.Empty<RunLogLine>()),
            _ => FakeApi.Json(detail),
        });
        Services.AddSingleton(api.Client());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<RunPage>(p => p.Add(c => c.Id, detail.Run.Id));
    }

    [Fact]
    public void A_branch_names_its_trunk_and_the_compute_it_spent_itself()
    {
        var branch = new RunDetail(Summary(BranchId, "10 tokens/param, branch", TrunkId, 160, 200, 4e11), new RunConfig(), [], [])
        { Parent = new RunLink(TrunkId, "40 tokens/param, trunk", RunStatus.Succeeded, 160) };

        var text = Render(branch).WaitForElement("#run-parent").TextContent;

        Assert.Contains("Branched off 40 tokens/param, trunk at its step 160", text);
        Assert.Contains("spent only its own 40", text);
        Assert.Contains("8E+10 FLOPs of the model's 4E+11", text); // 40 of 200 steps
    }

    [Fact]
    public void A_trunk_lists_its_branches_with_the_steps_where_they_part()
    {
        var trunk = new RunDetail(Summary(TrunkId, "40 tokens/param, trunk", null, 0, 800, 1.6e12), new RunConfig(), [], [])
        {
            Branches = [new RunLink(BranchId, "10 tokens/param, branch", RunStatus.Succeeded, 160), new RunLink(Guid.NewGuid(), "20 tokens/param, branch", RunStatus.Running, 320)],
        };

        var page = Render(trunk);

        var rows = page.WaitForElement("#run-branches").QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Contains("160", rows[0]);
        Assert.Contains("Running", rows[1]);
        Assert.Empty(page.FindAll("#run-parent"));
    }
}
