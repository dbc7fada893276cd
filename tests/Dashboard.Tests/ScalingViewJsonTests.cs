using System.Text.Json;
using ScaleLab.Catalog;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Tests;

/// <summary>A fit crosses the wire (POST /api/fits/preview) and comes back as the same records, NaN included.</summary>
public class ScalingViewJsonTests
{
    [Theory]
    [InlineData(FitLaw.Chinchilla)]
    [InlineData(FitLaw.IsoFlop)]
    [InlineData(FitLaw.Compute)]
    public void A_real_fit_round_trips_unchanged(FitLaw law)
    {
        var view = Fits.View([.. Fits.IsoFlopPoints("softmax"), .. Fits.IsoFlopPoints("gla", lossOffset: 0.05)], law, bootstrap: 20);

        var json = JsonSerializer.Serialize(view, ScalingViewJson.Options);
        var back = JsonSerializer.Deserialize<ScalingView>(json, ScalingViewJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, ScalingViewJson.Options));
        Assert.Equal(2, back.Result!.Groups.Count);
        Assert.Equal(view.Result!.Groups[0].Parameters.Keys, back.Result.Groups[0].Parameters.Keys);
        Assert.Equal(view.Result.Groups[0].Frontier.Count, back.Result.Groups[0].Frontier.Count);
        Assert.Equal(view.Result.Crossings.Count, back.Result.Crossings.Count);
        Assert.Equal(law, back.Result.Law);
    }

    [Fact]
    public void Non_finite_values_of_a_degenerate_fit_survive_and_errors_keep_their_fields()
    {
        var view = new ScalingView([new ScalingPoint(1e3, 1e6, 3.0, 1e9)], null,
            new Dictionary<string, string[]> { ["group 'a'"] = ["too few points"] });
        var estimate = new Estimate(double.NaN, double.NegativeInfinity, double.PositiveInfinity);

        var back = JsonSerializer.Deserialize<Estimate>(JsonSerializer.Serialize(estimate, ScalingViewJson.Options), ScalingViewJson.Options)!;
        var viewBack = JsonSerializer.Deserialize<ScalingView>(JsonSerializer.Serialize(view, ScalingViewJson.Options), ScalingViewJson.Options)!;

        Assert.True(double.IsNaN(back.Value));
        Assert.Equal(double.NegativeInfinity, back.Low);
        Assert.Equal(double.PositiveInfinity, back.High);
        Assert.Equal(["too few points"], viewBack.Errors["group 'a'"]);
        Assert.Single(viewBack.Points);
    }
}
