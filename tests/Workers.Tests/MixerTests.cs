using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Mixers;
using TorchSharp;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

/// <summary>Every mixer, in a whole model: accounting, causality, gradient flow; and the recurrent forms against the chunked ones.</summary>
public class MixerTests
{
    public static TheoryData<string, string> Architectures => new()
    {
        { "softmax", "taylor" }, { "sliding-window", "taylor" }, { "linear", "elu+1" }, { "linear", "relu" }, { "linear", "taylor" },
        { "gla", "taylor" }, { "mamba", "taylor" }, { "hybrid", "taylor" }, { "based", "taylor" },
        { "softmax+conv4", "taylor" }, { "gla+conv2", "taylor" }, // any mixer after a short convolution of that many taps
    };

    /// <summary>T = 80 crosses chunk boundaries of every chunked mixer (16 and 64) and the window of 24 several times.</summary>
    private static RunConfig Tiny(string mixer, string featureMap) => new()
    {
        Mixer = mixer.Split("+conv")[0], ShortConv = mixer.Contains("+conv") ? int.Parse(mixer.Split("+conv")[1]) : 0, FeatureMap = featureMap, DModel = 32, NLayers = 4, NHeads = 4, SeqLen = 80, BatchSize = 2,
        Window = 24, FeatureDim = 4, StateSize = 8, HybridPattern = "mamba,sliding-window,gla,softmax",
    };

    [Theory, MemberData(nameof(Architectures))]
    public void Parameter_count_matches_the_accounting(string mixer, string featureMap)
    {
        var config = Tiny(mixer, featureMap);
        using var model = new DecoderLM(config);
        Assert.Equal(TransformerShape.TotalParameters(config), model.parameters().Sum(p => p.numel()));
    }

    [Theory, MemberData(nameof(Architectures))]
    public void Changing_future_tokens_never_changes_earlier_outputs(string mixer, string featureMap)
    {
        manual_seed(3);
        using var model = new DecoderLM(Tiny(mixer, featureMap));
        model.eval();
        using var _ = no_grad();
        var a = randint(0, 256, [2, 80], dtype: int64);
        var b = a.clone();
        b[.., 50..] = randint(0, 256, [2, 30], dtype: int64);

        var la = model.forward(a);
        var lb = model.forward(b);

        Assert.True(la[.., ..50].allclose(lb[.., ..50], rtol: 0, atol: 1e-5), $"{mixer}: an output before position 50 changed");
        Assert.False(la[.., 50..].allclose(lb[.., 50..]), $"{mixer}: outputs from position 50 on did not react to their own inputs");
    }

    [Theory, MemberData(nameof(Architectures))]
    public void Gradients_reach_every_parameter(string mixer, string featureMap)
    {
        manual_seed(5);
        using var model = new DecoderLM(Tiny(mixer, featureMap));
        var input = randint(0, 256, [2, 80], dtype: int64);
        nn.functional.cross_entropy(model.forward(input).view(-1, 256), input.view(-1)).backward();

        foreach (var (name, p) in model.named_parameters())
        {
            Assert.NotNull(p.grad);
            var norm = p.grad!.abs().sum().item<float>();
            Assert.True(norm > 0 && float.IsFinite(norm), $"{mixer}: {name} got gradient {norm}");
        }
    }

    [Theory]
    [InlineData("linear", "elu+1")]
    [InlineData("linear", "relu")]
    [InlineData("linear", "taylor")]
    [InlineData("gla", "taylor")]
    [InlineData("mamba", "taylor")]
    public void Recurrent_form_agrees_with_the_chunked_form(string mixer, string featureMap)
    {
        manual_seed(11);
        using var model = new DecoderLM(Tiny(mixer, featureMap) with { SeqLen = 150 }); // > 2 chunks of 64
        using var _ = no_grad();
        var x = randn(2, 150, 32);
        foreach (var block in model.Blocks)
        {
            var chunked = block.Mixer.forward(x);
            var recurrent = ((IRecurrentMixer)block.Mixer).ForwardRecurrent(x);
            var error = (chunked - recurrent).abs().max().item<float>();
            var scale = recurrent.abs().max().item<float>();
            Assert.True(error <= 1e-4 * Math.Max(1, scale), $"{mixer}: max |chunked - recurrent| = {error} (scale {scale})");
        }
    }

    [Theory]
    [InlineData(0.0)]   // strong decays: some steps forget almost everything
    [InlineData(3.0)]
    public void Chunked_recurrence_matches_the_definition_for_vector_and_scalar_decay(double decayStrength)
    {
        manual_seed(13);
        var (q, k, v) = (randn(2, 3, 37, 5), randn(2, 3, 37, 5), randn(2, 3, 37, 4));
        var vector = -(rand(2, 3, 37, 5) * decayStrength + 0.01);
        var scalar = -(rand(2, 3, 37) * decayStrength + 0.01);

        foreach (var g in new Tensor?[] { null, vector, scalar })
        {
            var expected = LinearRecurrence.Recurrent(q, k, v, g);
            var actual = LinearRecurrence.Chunked(q, k, v, g, chunk: 8);
            Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), $"decay {(g is null ? "none" : g.dim() == 3 ? "scalar" : "vector")}: max error {(actual - expected).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void Chunked_vector_decay_stays_exact_at_the_strongest_gla_gate()
    {
        // Every step at GLA's clamp (log α = −2.5): a chunk of 64 spans 160 nats, the most the chunked form allows.
        manual_seed(19);
        var (q, k, v) = (randn(1, 2, 150, 8), randn(1, 2, 150, 8), randn(1, 2, 150, 8));
        var g = full(1, 2, 150, 8, -2.5);

        var actual = LinearRecurrence.Chunked(q, k, v, g, GatedLinearAttention.Chunk);
        var expected = LinearRecurrence.Recurrent(q, k, v, g);

        Assert.True(actual.isfinite().all().item<bool>(), "the chunked form overflowed");
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-4), $"max error {(actual - expected).abs().max().item<float>()}");
    }

    /// <summary>
    /// Every combination that matters: rotated or not (without rotation the heads are a strided view), and T a multiple
    /// of the window or not (then no padding copies them) — the unrotated multiple once crashed on `.view`.
    /// </summary>
    [Theory]
    [InlineData(true, 80)]
    [InlineData(false, 80)]
    [InlineData(true, 72)]
    [InlineData(false, 72)]
    public void Sliding_window_attention_equals_full_attention_under_a_band_mask(bool rotary, int length)
    {
        manual_seed(17);
        var config = Tiny("sliding-window", "taylor");
        using var attention = new SlidingWindowAttention(32, 4, window: 24, rotary: rotary);
        using var _ = no_grad();
        var x = randn(2, length, 32);
        var actual = attention.forward(x);

        // The reference: ordinary attention over all T keys, masked to the band i - w < j <= i.
        var qkv = attention.named_children().OfType<(string, nn.Module)>().First(c => c.Item1 == "qkv").Item2 as TorchSharp.Modules.Linear;
        var (q, kk, v) = AttentionHeads.Project(qkv!, x, 4, rotary: rotary);
        var i = arange(length).view(length, 1);
        var j = arange(length).view(1, length);
        var band = (j <= i).logical_and(j > i - config.Window);
        var expected = attention.OutputProjection.forward(AttentionHeads.Merge(nn.functional.scaled_dot_product_attention(q, kk, v, attn_mask: band)));

        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max error {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void Gla_has_the_papers_shape_by_default()
    {
        var config = new RunConfig { Mixer = "gla", DModel = 64, NHeads = 8 };
        Assert.Equal((4, 32), (config.GlaHeads, config.GlaKeyDim));           // 4 heads, d_k = d/2, whatever nHeads says
        using var gla = (GatedLinearAttention)MixerFactory.Create("gla", config);
        var shapes = gla.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal([32L, 64L], shapes["wq.weight"]);
        Assert.Equal([32L, 64L], shapes["wk.weight"]);
        Assert.Equal([64L, 64L], shapes["wv.weight"]);
        Assert.Equal([32L, 16L], shapes["gateUp.weight"]);
        Assert.Equal([16L], shapes["headNorm.weight"]);                         // d/H of the values
    }

    [Fact]
    public void Mamba_keeps_its_convolution_init_and_the_mamba2_state_size()
    {
        var config = new RunConfig { Mixer = "mamba", DModel = 64, NHeads = 4, NLayers = 1 };
        Assert.Equal(64, config.StateSize);
        using var model = new DecoderLM(config);
        var conv = model.named_parameters().Single(p => p.name.EndsWith("convWeight", StringComparison.Ordinal)).parameter;
        // PyTorch's default for a depthwise conv of 4 taps: U(-1/2, 1/2), std 0.29; N(0, 0.02) would give 0.02.
        Assert.InRange(conv.std().item<float>(), 0.2, 0.4);
        var projection = model.named_parameters().First(p => p.name.EndsWith("inProj.weight", StringComparison.Ordinal)).parameter;
        Assert.InRange(projection.std().item<float>(), 0.018, 0.022);        // linear weights still N(0, 0.02)
    }
}
