using ScaleLab.Runs;

namespace ScaleLab.Shared.Tests;

public class LearningRateScheduleTests
{
    [Fact]
    public void Wsd_warms_up_holds_the_peak_then_decays_linearly_over_the_last_fraction()
    {
        var c = new RunConfig { Schedule = "wsd", LearningRate = 1e-3, WarmupSteps = 10, DecayFraction = 0.2, BatchSize = 1, SeqLen = 8, Tokens = 8 * 100 };
        var lr = Enumerable.Range(0, c.Steps).Select(s => LearningRateSchedule.At(s, c)).ToArray();

        Assert.Equal(1e-4, lr[0], 12);                                  // warmup: (0 + 1)/10 of the peak
        Assert.All(lr[10..80], r => Assert.Equal(1e-3, r));             // stable at the peak until step 80
        Assert.Equal(1e-3 / 20, lr[99], 12);                            // the last of 20 decay steps: peak/20, not 0
        for (var s = 80; s < 99; s++) Assert.True(lr[s + 1] < lr[s]);
        Assert.Equal(lr[81] - lr[80], lr[99] - lr[98], 12);             // linear
    }

    [Fact]
    public void Cosine_decays_to_a_tenth_of_the_peak_at_the_last_step()
    {
        var c = new RunConfig { LearningRate = 1e-3, WarmupSteps = 10, BatchSize = 1, SeqLen = 8, Tokens = 8 * 100 };
        Assert.Equal(1e-3, LearningRateSchedule.At(10, c), 12);
        Assert.Equal(1e-4, LearningRateSchedule.At(99, c), 12);
    }
}
