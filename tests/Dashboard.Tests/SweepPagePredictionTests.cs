using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Account;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Dashboard.Tests;

/// <summary>The sweep page's runs table shows a running run's predicted final loss under its loss, as the run page words it.</summary>
public class SweepPagePredictionTests : BunitContext
{
    private static readonly Guid SweepId = Guid.NewGuid(), Running = Guid.NewGuid(), Finished = Guid.NewGuid();
    private readonly List<string> _asked = [];

    public SweepPagePredictionTests()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new DashboardSessions(TimeProvider.System));
        RunSummary Run(Guid id, string name, RunStatus status, double? final) =>
            new(id, SweepId, name, status, 98_304, 1_000_000, 2_048_000, 1.2e12, 1, 1000, 2000, 2.91, final, null, "worker-1/cpu-0", null, null);
        var sweep = new SweepDetail(new SweepSummary(SweepId, "s", StudyKinds.Grid, SweepStatus.Running, 2, 1, 0, 2.4e12, DateTimeOffset.UtcNow, null),
            "{}", [Run(Running, "running", RunStatus.Running, null), Run(Finished, "finished", RunStatus.Succeeded, 2.85)]);
        var prediction = new LossPredictionView(Running, 2000, 1000, 2.8342, 2.8121, 2.8613, 0.9, new LossLawView(2.5, 1.2, 0.5, 0.2, 0.999),
            180, [Finished], [21, 2000], [3.4, 2.8342]);
        Services.AddSingleton(new FakeApi(request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/prediction")) _asked.Add(path);
            return path switch
            {
                var p when p.EndsWith("/prediction") => FakeApi.Json(prediction),
                var p when p.EndsWith("/fields") => FakeApi.Json(new SweepFields([], new Dictionary<Guid, IReadOnlyList<string>>())),
                var p when p.EndsWith("/runs/curves") => FakeApi.Json(Array.Empty<MetricSeries>()),
                _ => FakeApi.Json(sweep),
            };
        }).Client());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void A_running_run_shows_its_predicted_final_loss_and_a_finished_one_does_not()
    {
        var page = Render<SweepPage>(p => p.Add(c => c.Id, SweepId));

        var predicted = page.WaitForElement("small.predicted");
        Assert.Equal("→ 2.834 [2.812, 2.861]", predicted.TextContent);
        Assert.Equal(Running.ToString(), predicted.GetAttribute("data-run"));
        Assert.StartsWith("Predicted final loss 2.834 [2.812, 2.861] (90%) at step 2,000", predicted.GetAttribute("title"));
        Assert.Single(page.FindAll("small.predicted"));
        Assert.Equal([$"/api/runs/{Running}/prediction"], _asked.Distinct());   // a finished run's is never asked for
    }

    [Fact]
    public void The_runs_table_copies_as_LaTeX_the_rows_it_shows()
    {
        var page = Render<SweepPage>(p => p.Add(c => c.Id, SweepId));
        page.WaitForElement("#runs-copy-latex");
        page.Find("#runs-filter").Input("finished");

        page.Find("#runs-copy-latex").Click();

        var latex = (string)JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments.Single()!;
        Assert.Contains("Run & Status", latex);
        Assert.Contains("finished & Succeeded", latex);
        Assert.DoesNotContain("running &", latex);   // filtered out, as on screen
        Assert.Contains("\\toprule", latex);
    }
}
