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
        Assert.Equal(2 * block + 64 + 256 * 64, TransformerShape.TotalParameters(c));                 // rope: no position table
        Assert.Equal(2 * block + 64 + (256 + 128) * 64, TransformerShape.TotalParameters(c with { Positions = "learned" }));
        Assert.Equal(2 * block + 64 + 2 * 256 * 64, TransformerShape.TotalParameters(c with { TieEmbeddings = false }));
    }

    [Theory]
    [InlineData("softmax", 4 * 64 * 64)]
    [InlineData("sliding-window", 4 * 64 * 64)]
    [InlineData("linear", 2 * 64 * 4 * 16 + 2 * 64 * 64)]                                   // W_q, W_k: d -> H·f; W_v, W_o
    [InlineData("gla", 2 * 64 * 32 + 3 * 64 * 64 + 16 * (64 + 32) + 32 + 64 / 4)]           // W_q, W_k: d -> d/2; W_v, W_r, W_o; low-rank gate (+bias); head-norm gain
    [InlineData("mamba", 64 * (2 * 128 + 2 * 16 + 4) + 128 * 64 + (128 + 32) * 4 + (128 + 32) + 3 * 4 + 128)]
    public void Each_mixer_has_its_documented_parameter_count(string mixer, long expected)
    {
        var c = new RunConfig { DModel = 64, NHeads = 4, FeatureDim = 16, StateSize = 16 };
        Assert.Equal(expected, MixerAccounting.Parameters(mixer, c));
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

    [Fact]
    public void Linear_time_mixers_have_a_sequence_term_independent_of_context_length()
    {
        foreach (var mixer in new[] { "linear", "gla", "mamba", "sliding-window" })
        {
            var shortContext = new RunConfig { Mixer = mixer, SeqLen = 256, Window = 64 };
            var longContext = shortContext with { SeqLen = 8192 };
            Assert.Equal(TransformerShape.TrainingFlopsPerToken(shortContext), TransformerShape.TrainingFlopsPerToken(longContext));
        }
        var softmax = new RunConfig { SeqLen = 256 };
        Assert.Equal(12.0 * 2 * 64 * (8192 - 256),
            TransformerShape.TrainingFlopsPerToken(softmax with { SeqLen = 8192 }) - TransformerShape.TrainingFlopsPerToken(softmax));
    }

    [Fact]
    public void A_hybrid_counts_each_layer_by_its_own_mixer()
    {
        var hybrid = new RunConfig { Mixer = "hybrid", HybridPattern = "gla,gla,gla,softmax", NLayers = 8 };
        var gla = hybrid with { Mixer = "gla" };
        var softmax = hybrid with { Mixer = "softmax" };
        Assert.Equal((6 * TransformerShape.NonEmbeddingParameters(gla) + 2 * TransformerShape.NonEmbeddingParameters(softmax)) / 8,
            TransformerShape.NonEmbeddingParameters(hybrid));
        Assert.Equal(["gla", "gla", "gla", "softmax", "gla", "gla", "gla", "softmax"], Mixers.PerLayer(hybrid));
    }
}
