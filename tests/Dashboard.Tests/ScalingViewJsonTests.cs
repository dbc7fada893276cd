using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Catalog;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// A fit preview (POST /api/fits/preview) carries its fit in the one shape that stored fits and the CLI use, and the
/// dashboard reads the same records back from it.
/// </summary>
public class ScalingViewJsonTests
{
    [Theory]
    [InlineData(FitLaw.Chinchilla)]
    [InlineData(FitLaw.IsoFlop)]
    [InlineData(FitLaw.Compute)]
    public void A_real_fit_round_trips_unchanged_in_the_one_shape(FitLaw law)
    {
        var points = Fits.IsoFlopPoints("softmax").Select(p => p with { Epochs = 1.5 }).Concat(Fits.IsoFlopPoints("gla", lossOffset: 0.05)).ToList();
        var view = Fits.View(points, law, bootstrap: 20);

        var json = JsonSerializer.Serialize(view, ScalingViewJson.Options);
        var back = JsonSerializer.Deserialize<ScalingView>(json, ScalingViewJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, ScalingViewJson.Options));
        Assert.Equal(FitResultJson.Write(view.Result!).ToJsonString(), JsonNode.Parse(json)!["result"]!.ToJsonString());
        var (sent, got) = (view.Result!, back.Result!);
        Assert.Equal(law, got.Law);
        Assert.Equal(sent.Crossings.Count, got.Crossings.Count);
        foreach (var (a, b) in sent.Groups.Zip(got.Groups, (a, b) => (a, b)))
        {
            Assert.Equal(a.Group, b.Group);
            Assert.Equal(a.Parameters, b.Parameters);
            Assert.Equal(a.Derived.Where(kv => double.IsFinite(kv.Value.Value)), b.Derived.Where(kv => double.IsFinite(kv.Value.Value)));
            Assert.Equal(a.Frontier, b.Frontier);
            Assert.Equal(a.Profiles.Select(p => (p.Compute, p.NOpt, p.Points)), b.Profiles.Select(p => (p.Compute, p.NOpt, p.Points)));
            Assert.Equal(a.Used.Select(r => (r.Point.N, r.Point.D, r.Point.Loss, r.Point.Group, r.Point.Epochs, r.Predicted)),
                b.Used.Select(r => (r.Point.N, r.Point.D, r.Point.Loss, r.Point.Group, r.Point.Epochs, r.Predicted)));
            Assert.Equal(a.Warnings, b.Warnings);
        }
        Assert.Contains(got.Groups.SelectMany(g => g.Used), r => r.Point.Epochs == 1.5);
    }

    [Fact]
    public void A_degenerate_fit_writes_strict_JSON_and_its_missing_values_read_back_as_not_a_number()
    {
        var fit = Fits.View(Fits.IsoFlopPoints(), FitLaw.Chinchilla, bootstrap: 0).Result!;
        var group = fit.Groups.Single();
        var degenerate = fit with
        {
            Groups = [group with { Derived = new Dictionary<string, Estimate>(group.Derived) { ["a"] = new(double.NaN), ["b"] = new(double.PositiveInfinity) } }],
        };
        var view = new ScalingView([new ScalingPoint(1e3, 1e6, 3.0, 1e9)], degenerate,
            new Dictionary<string, string[]> { ["group 'a'"] = ["too few points"] });

        var json = JsonSerializer.Serialize(view, ScalingViewJson.Options);
        var back = JsonSerializer.Deserialize<ScalingView>(json, ScalingViewJson.Options)!;

        Assert.DoesNotContain("NaN", json);
        Assert.DoesNotContain("Infinity", json);
        Assert.Null(JsonNode.Parse(json)!["result"]!["derived"]!["a"]);
        Assert.True(double.IsNaN(back.Result!.Groups[0].Derived["a"].Value));
        Assert.True(double.IsNaN(back.Result.Groups[0].Derived["b"].Value));
        Assert.Equal(group.Parameters, back.Result.Groups[0].Parameters);
        Assert.Equal(["too few points"], back.Errors["group 'a'"]);
        Assert.Single(back.Points);
    }
}
