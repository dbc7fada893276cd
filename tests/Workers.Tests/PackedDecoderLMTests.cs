using ScaleLab.Runs;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Packing;
using ScaleLab.Workers.Training.Tasks;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

public class PackedDecoderLMTests
{
    private static readonly RunConfig Tiny = new() { DModel = 32, NLayers = 2, NHeads = 4, SeqLen = 16, BatchSize = 2 };

    private static List<RunConfig> Seeds(RunConfig config, params int[] seeds) => [.. seeds.Select(s => config with { Seed = s })];

    [Theory]
    [InlineData("rope", true)]
    [InlineData("learned", false)]
    [InlineData("none", true)]
    public void Each_models_logits_are_what_its_DecoderLM_computes_alone(string positions, bool tied)
    {
        var configs = Seeds(Tiny with { Positions = positions, TieEmbeddings = tied }, 1, 2, 3);
        using var packed = PackedDecoderLM.Initialise(configs);
        var alone = configs.Select(c => ModelInitialisation.Build(c, c.Seed)).ToList();
        using var _ = no_grad();
        var idx = randint(0, 256, [3, 2, 16], dtype: int64);

        var logits = packed.forward(idx);

        Assert.Equal(new long[] { 3, 2, 16, 256 }, logits.shape);
        for (var k = 0; k < 3; k++)
        {
            var expected = alone[k].forward(idx[k]);
            Assert.True(logits[k].allclose(expected, rtol: 0, atol: 1e-5), $"model {k}: largest difference {(logits[k] - expected).abs().max().item<float>()}");
        }
        Assert.False(logits[0].allclose(logits[1], rtol: 0, atol: 1e-3)); // different seeds: really different models
    }

    [Fact]
    public void Backward_of_the_summed_loss_gives_each_slice_its_own_models_gradient()
    {
        var configs = Seeds(Tiny with { TieEmbeddings = false }, 4, 5);
        using var packed = PackedDecoderLM.Initialise(configs);
        var alone = configs.Select(c => ModelInitialisation.Build(c, c.Seed)).ToList();
        var idx = randint(0, 256, [2, 2, 16], dtype: int64);
        var target = randint(0, 256, [2, 2, 16], dtype: int64);
        target[TensorIndex.Single(0), TensorIndex.Single(0), TensorIndex.Slice(0, 10)] = tensor(ITrainingTask.Ignore); // models score different numbers of tokens

        var losses = PackedLoss.PerModel(packed.forward(idx), target);
        losses.sum().backward();

        for (var k = 0; k < 2; k++)
        {
            var loss = TokenLoss.Mean(alone[k].forward(idx[k]), target[k]);
            loss.backward();
            Assert.Equal(loss.item<float>(), losses[k].item<float>(), 5);
            foreach (var (name, p) in alone[k].named_parameters())
            {
                var slice = packed.Stacked[name].grad![k];
                Assert.True(slice.allclose(p.grad!, rtol: 0, atol: 1e-5), $"{name} of model {k}: largest difference {(slice - p.grad!).abs().max().item<float>()}");
            }
        }
    }

    [Fact]
    public void Copying_a_model_out_and_back_in_keeps_its_weights_bit_for_bit()
    {
        var configs = Seeds(Tiny, 1, 2, 3);
        using var packed = PackedDecoderLM.Initialise(configs);
        using var copy = new DecoderLM(Tiny);

        packed.CopyInto(1, copy);
        using var alone = ModelInitialisation.Build(configs[1], configs[1].Seed);
        foreach (var ((name, a), (_, b)) in alone.named_parameters().Zip(copy.named_parameters()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name}: packed initial weights are not the run's own");

        using (no_grad()) foreach (var p in copy.parameters()) p.mul_(2);
        packed.CopyFrom(2, copy);
        using var back = new DecoderLM(Tiny);
        packed.CopyInto(2, back);
        foreach (var ((name, a), (_, b)) in copy.named_parameters().Zip(back.named_parameters()))
            Assert.True(a.eq(b).all().item<bool>(), $"{name} changed on the way in and out");
    }

    [Fact]
    public void Stacked_parameters_list_in_one_models_order()
    {
        using var packed = new PackedDecoderLM(Tiny with { TieEmbeddings = false, Positions = "learned" }, 2);
        using var alone = new DecoderLM(Tiny with { TieEmbeddings = false, Positions = "learned" });

        var byParameter = packed.Stacked.ToDictionary(kv => kv.Value.Handle, kv => kv.Key);
        Assert.Equal(alone.named_parameters().Select(n => n.name), packed.parameters().Select(p => byParameter[p.Handle]));
    }

    [Fact]
    public void Runs_that_differ_only_in_their_seed_can_be_packed()
    {
        Assert.Null(Packability.WhyNot(Seeds(Tiny, 1, 2, 3)));
    }

    [Fact]
    public void Runs_of_different_shapes_or_schedules_are_refused_with_the_fields_that_differ()
    {
        var why = Packability.WhyNot([Tiny, Tiny with { DModel = 64, Seed = 2 }]);
        Assert.Equal("run 1 differs from run 0 in dModel: packed runs share every setting but the seed, as they train in lockstep", why);
        Assert.Contains("learningRate, warmupSteps", Packability.WhyNot([Tiny, Tiny with { LearningRate = 1e-3, WarmupSteps = 3 }]));
    }

    [Theory]
    [InlineData("gla", "layer 0's mixer is gla: only softmax attention is packed")]
    [InlineData("hybrid", "layer 0's mixer is gla: only softmax attention is packed")]
    [InlineData("based", "layer 0's mixer is linear: only softmax attention is packed")]
    public void A_mixer_other_than_softmax_attention_is_refused(string mixer, string reason)
    {
        Assert.Equal(reason, Packability.WhyNot(Seeds(Tiny with { Mixer = mixer }, 1, 2)));
        Assert.Throws<ArgumentException>(() => new PackedDecoderLM(Tiny with { Mixer = mixer }, 2));
    }

    [Fact]
    public void A_short_convolution_is_refused()
    {
        Assert.Equal("the short convolution before the mixer is not packed", Packability.WhyNot([Tiny with { ShortConv = 3 }]));
    }
}
