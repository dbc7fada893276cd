using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Charts;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Runs;

namespace ScaleLab.Dashboard.Tests;

/// <summary>The run page's loss prediction, rendered against an in-memory API: the sentence with its interval, and the law's curve dashed on the loss chart.</summary>
public class RunPagePredictionTests : BunitContext
{
    private static readonly Guid RunId = Guid.NewGuid();

    public RunPagePredictionTests()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ScaleLab:ApiUrl"] = "http://api.test/" }).Build());
    }

    private static RunDetail Run() => new(
        new RunSummary(RunId, Guid.NewGuid(), "wsd-2000", RunStatus.Running, 98_304, 1_000_000, 2_048_000, 1.2e12, 1, 1000, 2000,
            2.91, null, null, "worker-1/cpu-0", null, null),
        new RunConfig(), [], [MetricNames.Loss]);

    private IRenderedComponent<RunPage> Render(LossPredictionView prediction)
    {
        var api = new FakeApi(request => request.RequestUri!.AbsolutePath switch
        {
            var p when p.EndsWith("/prediction") => FakeApi.Json(prediction),
            var p when p.EndsWith("/metrics/loss") => FakeApi.Json(new MetricSeries(RunId, MetricNames.Loss, [500, 1000], [3.1, 2.91], [1_024_000, 2_048_000], [6e11, 1.2e12])),
            var p when p.EndsWith("/logs") => FakeApi.Json(Array.Empty<RunLogLine>()),
            _ => FakeApi.Json(Run()),
        });
        Services.AddSingleton(api.Client());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<RunPage>(p => p.Add(c => c.Id, RunId));
    }

    [Fact]
    public void A_prediction_is_written_with_its_interval_and_drawn_dashed_on_the_loss_chart()
    {
        var prediction = new LossPredictionView(RunId, 2000, 1000, 2.8342, 2.8121, 2.8613, 0.9, new LossLawView(2.5, 1.2, 0.5, 0.2, 0.999),
            180, [Guid.NewGuid(), Guid.NewGuid()], [21, 1000, 2000], [3.4, 2.95, 2.8342]);

        var page = Render(prediction);

        var text = page.WaitForElement("p.prediction").TextContent;
        Assert.Contains("Predicted final loss 2.834 [2.812, 2.861] (90%) at step 2,000, from its losses up to step 1,000 and 2 finished runs of its arm.", text);
        Assert.Contains("L(s) = 2.5 + 1.2·S1^−0.5 − 0.2·S2", page.Find("p.prediction").GetAttribute("title"));
        var loss = page.FindComponents<Chart>().Single(c => c.Instance.Id == "run-loss").Instance.Series;
        var law = Assert.Single(loss, s => s.Dashed);
        Assert.Equal("annealing law", law.Name);
        Assert.Equal([21.0, 1000, 2000], law.X);
        Assert.Equal(2.8342, law.Y[^1]);
    }

    [Fact]
    public void Without_a_prediction_the_page_says_why_and_draws_only_the_logged_loss()
    {
        var none = new LossPredictionView(RunId, 2000, 60, null, null, null, 0.9, null, 0, [], [], [],
            "the run and its finished siblings have logged fewer than 8 losses past warmup and the first tenth of their runs");

        var page = Render(none);

        Assert.Contains("No loss prediction yet: the run and its finished siblings have logged fewer than 8 losses past warmup and the first tenth of their runs.",
            page.WaitForElement("p.prediction").TextContent);
        Assert.DoesNotContain(page.FindComponents<Chart>().Single(c => c.Instance.Id == "run-loss").Instance.Series, s => s.Dashed);
    }
}
