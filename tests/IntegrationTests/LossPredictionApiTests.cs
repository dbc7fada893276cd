using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Client;
using ScaleLab.LossCurves;
using ScaleLab.Runs;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// GET /api/runs/{id}/prediction on the real orchestrator, with curves drawn from a known annealing law and logged as
/// runs trained elsewhere: a WSD run half way through is predicted from its own stable phase and its two finished
/// cosine siblings (and not from a run of another width), and its final loss lands where the law puts it.
/// </summary>
[Collection(ClusterCollection.Name)]
public class LossPredictionApiTests(ClusterFixture cluster)
{
    private static readonly AnnealingLaw Truth = new(L0: 2.5, A: 1.2, Alpha: 0.5, C: 0.2);
    private static readonly AnnealingLaw OtherWidth = new(L0: 2.0, A: 1.0, Alpha: 0.6, C: 0.3);

    private ScaleLabApi Client => new(cluster.Api);

    private static RunConfig Config(string schedule, int steps, int width) => new()
    {
        DModel = width, NLayers = 2, NHeads = 2, SeqLen = 128, BatchSize = 8, Tokens = 1024L * steps,
        LearningRate = 3e-3, WarmupSteps = 20, Schedule = schedule, DecayFraction = 0.2, LogInterval = 10,
    };

    private async Task<JsonElement> Post(string path, object body)
    {
        using var response = await cluster.PostAsync(path, JsonSerializer.Serialize(body, ClusterFixture.Json));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>An external run of <paramref name="config"/> that logs the law's loss (with a little deterministic noise) up to <paramref name="through"/>.</summary>
    private async Task<Guid> LogRunAsync(Guid study, string name, RunConfig config, AnnealingLaw law, int through, bool finish)
    {
        var run = await Post($"api/external/studies/{study}/runs", new
        {
            name, nonEmbeddingParameters = 12L * config.NLayers * config.DModel * config.DModel, tokens = config.Tokens,
            flops = 6.0 * 12 * config.NLayers * config.DModel * config.DModel * config.Tokens,
            config = JsonNode.Parse(JsonSerializer.Serialize(config, ScaleLab.Sweeps.SpecJson.Options)),
        });
        var id = run.GetProperty("id").GetGuid();
        var steps = Enumerable.Range(1, through / 10).Select(i => i * 10).ToList();
        var areas = ScheduleAreas.Of(config, steps);
        var points = steps.Select(s => new { step = s, name = MetricNames.Loss, value = law.Loss(areas, s) + 0.004 * Math.Sin(s * 0.37) }).ToList();
        await Post($"api/external/runs/{id}/metrics", new { points });
        if (finish) await Post($"api/external/runs/{id}/finish", new { status = "succeeded", finalLoss = points[^1].value });
        return id;
    }

    [Fact]
    public async Task A_half_trained_wsd_run_is_predicted_from_its_arm_and_lands_on_the_law()
    {
        var study = (await Post("api/external/studies", new { name = $"curves-{Guid.NewGuid():N}"[..20] })).GetProperty("id").GetGuid();
        var siblings = new[]
        {
            await LogRunAsync(study, "cosine-1000", Config("cosine", 1000, 64), Truth, 1000, finish: true),
            await LogRunAsync(study, "cosine-2000", Config("cosine", 2000, 64), Truth, 2000, finish: true),
        };
        await LogRunAsync(study, "other-width", Config("cosine", 2000, 128), OtherWidth, 2000, finish: true);
        var wsd = Config("wsd", 2000, 64);
        var running = await LogRunAsync(study, "wsd-2000", wsd, Truth, 1000, finish: false);
        var truth = Truth.Loss(ScheduleAreas.Of(wsd, [2000]), 2000);

        var prediction = (await Client.GetLossPredictionAsync(running))!;

        Assert.Null(prediction.Reason);
        Assert.Equal((2000, 1000), (prediction.Step, prediction.FittedThrough));
        Assert.Equal(siblings.Order(), prediction.Siblings.Order());                 // the arm, not the other width
        Assert.Equal(truth, prediction.Loss!.Value, 0.01);
        Assert.InRange(truth, prediction.Low!.Value, prediction.High!.Value);
        Assert.True(prediction.High - prediction.Low < 0.05, $"[{prediction.Low}, {prediction.High}]");
        Assert.Equal(Truth.C, prediction.Law!.C, 0.03);
        Assert.Equal(2000, prediction.CurveSteps[^1]);
        Assert.Equal(prediction.Loss.Value, prediction.CurveLoss[^1], 9);
        Assert.True(prediction.CurveSteps.Count > 50);

        // The same request again is answered from what was kept: nothing was logged in between.
        var again = (await Client.GetLossPredictionAsync(running))!;
        Assert.Equal(prediction.Loss, again.Loss);
        Assert.Equal(prediction.Low, again.Low);

        // The CLI tells it in the dashboard's words, by a short id, and --json gives the API's answer.
        var shortId = running.ToString("N")[..12];
        var told = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), "predict", shortId, "--sweep", study.ToString());
        Assert.True(told.Exit == 0, told.Err);
        Assert.Contains(LossPredictionText.Sentence(prediction), told.Out.ReplaceLineEndings(" ").Replace("  ", " "));
        var json = await ScalelabProcess.RunAsync(cluster, TimeSpan.FromMinutes(1), "predict", running.ToString(), "--json");
        Assert.True(json.Exit == 0, json.Err);
        Assert.Equal(prediction.Loss, JsonDocument.Parse(json.Out).RootElement.GetProperty("loss").GetDouble());
    }

    [Fact]
    public async Task A_run_with_too_few_points_says_why_and_an_unknown_run_is_not_found()
    {
        var study = (await Post("api/external/studies", new { name = $"curves-{Guid.NewGuid():N}"[..20] })).GetProperty("id").GetGuid();
        var early = await LogRunAsync(study, "early", Config("cosine", 1000, 32), Truth, 60, finish: false);

        var prediction = (await Client.GetLossPredictionAsync(early))!;
        Assert.Null(prediction.Loss);
        Assert.Contains("fewer than 8 losses past warmup", prediction.Reason);

        using var missing = await cluster.Api.GetAsync($"api/runs/{Guid.NewGuid()}/prediction");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
