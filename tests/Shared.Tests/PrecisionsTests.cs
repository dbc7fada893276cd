using ScaleLab.Runs;

namespace ScaleLab.Shared.Tests;

/// <summary>"auto" means bf16 on a GPU and fp32 elsewhere, in one place; named precisions stay as named.</summary>
public class PrecisionsTests
{
    [Theory]
    [InlineData("auto", true, "bf16")]
    [InlineData("auto", false, "fp32")]
    [InlineData("tf32", true, "tf32")]
    [InlineData("bf16", false, "bf16")]
    [InlineData("fp32", true, "fp32")]
    public void Auto_resolves_by_device_and_the_rest_stay(string configured, bool cuda, string expected) =>
        Assert.Equal(expected, Precisions.Resolve(configured, cuda));

    [Fact]
    public void The_memory_estimate_follows_the_same_rule()
    {
        var auto = new RunConfig { Precision = Precisions.Auto };
        Assert.Equal(ScaleLab.Models.MemoryEstimate.TrainingBytes(auto with { Precision = Precisions.Bf16 }, cuda: true),
            ScaleLab.Models.MemoryEstimate.TrainingBytes(auto, cuda: true));
        Assert.Equal(ScaleLab.Models.MemoryEstimate.TrainingBytes(auto with { Precision = Precisions.Fp32 }, cuda: false),
            ScaleLab.Models.MemoryEstimate.TrainingBytes(auto, cuda: false));
        Assert.NotEqual(ScaleLab.Models.MemoryEstimate.TrainingBytes(auto, cuda: true), ScaleLab.Models.MemoryEstimate.TrainingBytes(auto, cuda: false));
    }
}
