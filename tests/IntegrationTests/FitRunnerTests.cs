using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using ScaleLab.Orchestrator.Scaling;
using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.IntegrationTests;

/// <summary>The fitter every API and dashboard fit goes through bounds what one fit, and many at once, can take.</summary>
public class FitRunnerTests
{
    private static FitRunner Runner(double timeLimitSeconds, double queueWaitSeconds) => new(new ConfigurationBuilder().AddInMemoryCollection(
        new Dictionary<string, string?>
        {
            ["ScaleLab:Fits:Concurrency"] = "1", ["ScaleLab:Fits:TimeLimitSeconds"] = timeLimitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ScaleLab:Fits:QueueWaitSeconds"] = queueWaitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build(), Microsoft.Extensions.Logging.Abstractions.NullLogger<FitRunner>.Instance);

    /// <summary>A Chinchilla fit of 2,500 points from the 4,500-start grid: tens of seconds on one core.</summary>
    private static List<ScalingPoint> ManyPoints()
    {
        var law = new ChinchillaLaw(E: 1.69, A: 406.4, B: 410.7, Alpha: 0.34, Beta: 0.28);
        var random = new Random(7);
        return (from i in Enumerable.Range(0, 50) from j in Enumerable.Range(0, 50)
                let n = 1e6 * Math.Pow(1e3, i / 49.0) let d = 1e8 * Math.Pow(1e3, j / 49.0)
                select new ScalingPoint(n, d, law.Predict(n, d) * Math.Exp(0.01 * (random.NextDouble() - 0.5)))).ToList();
    }

    [Fact]
    public async Task A_fit_past_the_time_limit_is_stopped_and_refused_naming_what_to_shrink()
    {
        var errors = new ValidationErrors();
        var clock = Stopwatch.StartNew();
        var outcome = await Runner(timeLimitSeconds: 0.5, queueWaitSeconds: 1).RunAsync(ManyPoints(), new FitOptions { Law = FitLaw.Chinchilla }, errors, CancellationToken.None);
        Assert.Null(outcome.Result);
        Assert.False(outcome.Busy);
        Assert.Contains("needs more than the service's", Assert.Contains("points", errors.ToDictionary())[0]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopped after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task A_fit_that_finds_no_free_slot_in_time_is_refused_as_busy()
    {
        var runner = Runner(timeLimitSeconds: 3, queueWaitSeconds: 0.2);
        var first = runner.RunAsync(ManyPoints(), new FitOptions { Law = FitLaw.Chinchilla }, new ValidationErrors(), CancellationToken.None);
        await Task.Delay(100); // the first holds the only slot
        var errors = new ValidationErrors();
        var second = await runner.RunAsync(ManyPoints(), new FitOptions { Law = FitLaw.Chinchilla }, errors, CancellationToken.None);
        Assert.True(second.Busy);
        Assert.Contains("already running", errors.ToString());
        await first;
    }

    [Fact]
    public async Task A_fit_within_the_limits_returns_the_law()
    {
        var errors = new ValidationErrors();
        var points = ManyPoints().Where((_, i) => i % 25 == 0).ToList(); // 100 points
        var outcome = await Runner(timeLimitSeconds: 60, queueWaitSeconds: 1).RunAsync(points, new FitOptions { Law = FitLaw.Chinchilla }, errors, CancellationToken.None);
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.InRange(outcome.Result!.Groups[0].Parameters["alpha"].Value, 0.30, 0.38);
    }
}
