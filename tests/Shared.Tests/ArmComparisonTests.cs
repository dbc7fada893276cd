using ScaleLab.Analysis;
using ScaleLab.Runs;

namespace ScaleLab.Shared.Tests;

public class ArmComparisonTests
{
    private static ScoredRun Run(string mixer, double lr, int seed, double? score) =>
        new(Guid.NewGuid(), new RunConfig { Mixer = mixer, LearningRate = lr, Seed = seed }, score);

    [Fact]
    public void Each_arm_is_reported_at_its_own_best_rate_averaged_over_seeds()
    {
        var runs = new List<ScoredRun>
        {
            // softmax is best at 1e-3; gla needs a higher rate (best 1e-2, at the edge of the range).
            Run("softmax", 1e-3, 1, 2.0), Run("softmax", 1e-3, 2, 2.2), Run("softmax", 3e-3, 1, 2.3), Run("softmax", 3e-3, 2, 2.3),
            Run("softmax", 1e-2, 1, 3.0), Run("softmax", 1e-2, 2, null),
            Run("gla", 1e-3, 1, 2.9), Run("gla", 1e-3, 2, 2.9), Run("gla", 3e-3, 1, 2.4), Run("gla", 3e-3, 2, 2.6),
            Run("gla", 1e-2, 1, 2.1), Run("gla", 1e-2, 2, 2.2),
        };

        var arms = ArmComparison.BestPerArm(runs);

        Assert.Equal(["mixer=\"softmax\"", "mixer=\"gla\""], arms.Select(a => a.Label));   // ordered by best score
        var softmax = arms[0];
        Assert.Equal(1e-3, softmax.BestLearningRate);
        Assert.Equal(2.1, softmax.BestScore!.Value, 12);
        Assert.True(softmax.BestAtEdge);
        Assert.Equal((1, 2), (softmax.Rates[2].Scored, softmax.Rates[2].Runs));           // the diverged seed is not averaged in
        var gla = arms[1];
        Assert.Equal(1e-2, gla.BestLearningRate);
        Assert.Equal(2.15, gla.BestScore!.Value, 12);
        Assert.Equal("\"gla\"", gla.Settings["mixer"]);
    }

    [Fact]
    public void A_best_rate_inside_the_range_is_not_flagged()
    {
        var arms = ArmComparison.BestPerArm([Run("mamba", 1e-3, 1, 3.0), Run("mamba", 3e-3, 1, 2.0), Run("mamba", 1e-2, 1, 2.5)]);
        Assert.Equal("base", Assert.Single(arms).Label);
        Assert.False(arms[0].BestAtEdge);
        Assert.Equal(3e-3, arms[0].BestLearningRate);
    }
}
