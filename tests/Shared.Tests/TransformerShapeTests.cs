using ScaleLab.Models;
using ScaleLab.Runs;

namespace ScaleLab.Shared.Tests;

public class TransformerShapeTests
{
    [Fact]
    public void Parameters_follow_the_documented_formula()
    {
        var c = new RunConfig { DModel = 64, NLayers = 2, NHeads = 4, SeqLen = 128 };
        // SwiGLU hidden: 8/3·64 = 170.7 -> 176 (next multiple of 8).
        Assert.Equal(176, TransformerShape.SwiGluHidden(64));
        long block = 4 * 64 * 64 + 3 * 64 * 176 + 2 * 64;
        Assert.Equal(2 * block + 64, TransformerShape.NonEmbeddingParameters(c));
        Assert.Equal(2 * block + 64 + (256 + 128) * 64, TransformerShape.TotalParameters(c));
    }

    [Fact]
    public void Training_flops_are_per_token_flops_times_tokens_of_whole_steps()
    {
        var c = new RunConfig { DModel = 64, NLayers = 2, NHeads = 4, SeqLen = 128, BatchSize = 16, Tokens = 100_000 };
        var perToken = 6.0 * (2 * (4 * 64 * 64 + 3 * 64 * 176) + 256 * 64) + 12.0 * 2 * 64 * 128;

        Assert.Equal(perToken, TransformerShape.TrainingFlopsPerToken(c));
        Assert.Equal(49, c.Steps); // ceil(100000 / 2048)
        Assert.Equal(perToken * 49 * 2048, TransformerShape.TrainingFlops(c));
    }
}
