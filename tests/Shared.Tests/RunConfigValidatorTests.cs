using ScaleLab.Runs;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class RunConfigValidatorTests
{
    private static IReadOnlyDictionary<string, string[]> Errors(RunConfig c)
    {
        var errors = new ValidationErrors();
        RunConfigValidator.Validate(c, errors, f => f);
        return errors.ToDictionary();
    }

    [Fact]
    public void The_defaults_and_every_mixer_are_valid()
    {
        foreach (var mixer in Models.Mixers.All)
            Assert.Empty(Errors(new RunConfig { Mixer = mixer }));
        Assert.Empty(Errors(new RunConfig { Task = "mqar", SeqLen = 64, MqarPairs = 16 }));
    }

    [Theory]
    [InlineData("mixer", "transformer-xl")]
    [InlineData("hybridPattern", "gla,hybrid")]
    [InlineData("featureMap", "cosine")]
    [InlineData("positions", "alibi")]
    [InlineData("schedule", "linear")]
    [InlineData("precision", "fp16")]
    [InlineData("tokenizer", "sentencepiece")]
    [InlineData("parametrization", "ntk")]
    public void Unknown_names_are_refused_at_their_field(string field, string value)
    {
        var c = field switch
        {
            "mixer" => new RunConfig { Mixer = value },
            "hybridPattern" => new RunConfig { Mixer = "hybrid", HybridPattern = value },
            "featureMap" => new RunConfig { FeatureMap = value },
            "positions" => new RunConfig { Positions = value },
            "schedule" => new RunConfig { Schedule = value },
            "precision" => new RunConfig { Precision = value },
            "parametrization" => new RunConfig { Parametrization = value },
            _ => new RunConfig { Tokenizer = value },
        };
        var errors = Errors(c);
        Assert.Equal([field], errors.Keys);
        Assert.Matches("one of|supported: |mixers of: ", errors[field][0]); // the message lists what is accepted
    }

    [Fact]
    public void Micro_batches_must_divide_the_batch()
    {
        Assert.Contains("must divide batchSize (16)", Errors(new RunConfig { MicroBatches = 3 })["microBatches"][0]);
        Assert.Empty(Errors(new RunConfig { MicroBatches = 4 }));
    }

    [Fact]
    public void Mqar_needs_room_for_every_pair_and_its_query()
    {
        var errors = Errors(new RunConfig { Task = "mqar", SeqLen = 64, MqarPairs = 17 });
        Assert.Contains("seqLen >= 4 x mqarPairs - 1 (67)", errors["mqarPairs"][0]);
        Assert.Contains("keys are distinct", Errors(new RunConfig { Task = "mqar", SeqLen = 512, MqarVocab = 16, MqarPairs = 9 })["mqarPairs"][0]);
    }

    [Fact]
    public void Rotary_positions_need_an_even_head_dimension()
    {
        Assert.Contains("even head dimension", Errors(new RunConfig { DModel = 36, NHeads = 4 })["positions"][0]);
        Assert.Empty(Errors(new RunConfig { DModel = 36, NHeads = 4, Positions = "learned" }));
    }

    [Fact]
    public void Mup_takes_every_mixer_and_a_base_width_that_is_a_width()
    {
        foreach (var mixer in Models.Mixers.All)
            Assert.Empty(Errors(new RunConfig { Mixer = mixer, Parametrization = Parametrizations.Mup, MupBaseWidth = 256, DModel = 1024, NHeads = 8 }));
        Assert.Equal(["mupBaseWidth"], Errors(new RunConfig { Parametrization = Parametrizations.Mup, MupBaseWidth = 0 }).Keys);
        Assert.Equal(4, Parametrizations.WidthMultiplier(new RunConfig { Parametrization = Parametrizations.Mup, MupBaseWidth = 64, DModel = 256 }));
        Assert.Equal(1, Parametrizations.WidthMultiplier(new RunConfig { MupBaseWidth = 64, DModel = 256 }));   // standard: no multiplier
    }
}
