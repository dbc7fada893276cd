using ScaleLab.Runs;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Mixers;
using ScaleLab.Workers.Training.Packing;
using ScaleLab.Workers.Training.Tasks;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ScaleLab.Workers.Tests;

/// <summary>μP (Yang et al. 2022) in the engine: the coordinate check on real training, and each of its rules pinned.</summary>
// Alone: it compares weights drawn from one seed of libtorch's global generator, which a test training beside it
// draws from too (the clean-clone suite once saw tokens.weight differ).
[Collection(AloneCollection.Name)]
public class MaximalUpdateTests(ITestOutputHelper output)
{
    private static readonly int[] Widths = [32, 64, 128, 256];

    /// <summary>Tiny models on the hmm task; heads keep their count, so d_head grows with width, as μP's 1/d_head rule assumes.</summary>
    private static RunConfig Config(string parametrization, string mixer = "softmax") => new()
    {
        Task = TaskKinds.HiddenMarkov, HmmStates = 16, HmmVocab = 64, HmmSeed = 2,
        NLayers = 2, NHeads = 2, SeqLen = 32, BatchSize = 8, LearningRate = 1e-2, WarmupSteps = 0, Schedule = "wsd", DecayFraction = 0.01,
        EvalBatches = 1, Seed = 3, Mixer = mixer, Window = 16, HybridPattern = "gla,softmax",
        Parametrization = parametrization, MupBaseWidth = 32,
    };

    private IReadOnlyList<CoordinateCheck.Scale> Check(RunConfig config, int[] widths, int steps)
    {
        var scales = CoordinateCheck.Run(config, widths, steps, c => new HiddenMarkovTask(c), CPU);
        foreach (var layer in scales.Select(s => s.Layer).Distinct())
            for (var step = 0; step <= steps; step++)
                output.WriteLine($"{config.Parametrization,-8} {layer,-8} t={step} " +
                    string.Join(" ", widths.Select(w => $"{scales.Single(s => s.Width == w && s.Step == step && s.Layer == layer).MeanAbs,8:G3}")) +
                    $"   width^{CoordinateCheck.WidthExponent(scales, layer, step):F2}");
        return scales;
    }

    [Fact]
    public void Coordinate_check_activations_stay_flat_across_width_under_mup_and_grow_under_the_standard_parametrization()
    {
        const int steps = 4;
        var standard = Check(Config(Parametrizations.Standard), Widths, steps);
        var mup = Check(Config(Parametrizations.Mup), Widths, steps);
        string[] stream = ["blocks.0", "blocks.1"];

        // Standard: Adam moves every hidden coordinate by about lr x width per step, so the residual stream grows at
        // least in proportion to width (measured: width^1.8 to width^2 after 4 steps), and the logits with it.
        foreach (var layer in stream)
            Assert.True(CoordinateCheck.WidthExponent(standard, layer, steps) > 1.0, $"standard {layer}: width^{CoordinateCheck.WidthExponent(standard, layer, steps):F2}");
        Assert.True(CoordinateCheck.WidthExponent(standard, "logits", steps) > 0.3, $"standard logits: width^{CoordinateCheck.WidthExponent(standard, "logits", steps):F2}");

        // μP: flat after every update (measured within width^±0.3 at every step, ±0.1 at the last). At initialisation
        // the logits shrink as 1/√width, as μP's output multiplier makes them (the mup package's README says so too).
        foreach (var layer in stream.Append("tokens").Append("logits"))
        {
            for (var step = 1; step <= steps; step++)
                Assert.InRange(CoordinateCheck.WidthExponent(mup, layer, step), -0.35, 0.35);
            Assert.InRange(CoordinateCheck.WidthExponent(mup, layer, steps), -0.2, 0.2);
        }
        Assert.InRange(CoordinateCheck.WidthExponent(mup, "logits", 0), -0.6, -0.4);
    }

    [Theory]
    [InlineData("gla")]
    [InlineData("mamba")]
    [InlineData("based")]   // Taylor linear attention and sliding-window attention, each after a short convolution
    public void Every_mixer_keeps_its_activations_flat_across_width_under_mup(string mixer)
    {
        // Measured after 3 steps: within width^±0.22 (Mamba's stream shrinks slightly: width^-0.2, where the standard
        // parametrization grows it as width^0.7; the other mixers' grow as width^0.9 to width^2.4).
        var scales = Check(Config(Parametrizations.Mup, mixer), [64, 256], 3);
        foreach (var layer in new[] { "tokens", "blocks.0", "blocks.1", "logits" })
            Assert.InRange(CoordinateCheck.WidthExponent(scales, layer, 3), -0.3, 0.3);
    }

    [Fact]
    public void At_the_base_width_mup_initialises_as_the_standard_parametrization_and_wider_hidden_weights_shrink_by_root_m()
    {
        Dictionary<string, Tensor> Weights(RunConfig c) => ModelInitialisation.Build(c, seed: 11).named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var (at, wide) = (Config(Parametrizations.Mup, "gla") with { DModel = 32 }, Config(Parametrizations.Mup, "gla") with { DModel = 128 });

        var atStandard = Weights(at with { Parametrization = Parametrizations.Standard });
        foreach (var (name, w) in Weights(at))
            Assert.True(w.equal(atStandard[name]).all().item<bool>(), name);

        var (mup, standard) = (Weights(wide), Weights(wide with { Parametrization = Parametrizations.Standard }));
        using var model = ModelInitialisation.Build(wide, seed: null);
        foreach (var (name, w) in mup)
        {
            var expected = model.HiddenWeights.Contains(name) ? standard[name] / 2 : standard[name];   // m = 4: σ/√m
            Assert.True(w.allclose(expected, rtol: 1e-6, atol: 0), name);
        }
        Assert.Contains("blocks.0.mixer.wq.weight", model.HiddenWeights);
        Assert.Contains("blocks.1.mlp.w2.weight", model.HiddenWeights);
        Assert.Contains("blocks.0.mixer.gateDown.weight", model.HiddenWeights);        // its input is d_model wide
        Assert.DoesNotContain("blocks.0.mixer.gateUp.weight", model.HiddenWeights);    // its input is the 16-wide gate code
        Assert.DoesNotContain("tokens.weight", model.HiddenWeights);
    }

    [Fact]
    public void Hidden_weights_take_the_rate_over_m_and_the_weight_decay_times_m_and_everything_else_the_rate()
    {
        var config = Config(Parametrizations.Mup) with { DModel = 128, TieEmbeddings = false, WeightDecay = 0.1 };   // m = 4
        using var model = ModelInitialisation.Build(config, seed: null);
        using var precision = new MixedPrecision(model, model.OptimizerGroups, 1, () => ModelInitialisation.Build(config, seed: null), config.Precision, CPU);
        using var optimizer = precision.NewOptimizer(config);
        optimizer.SetLearningRate(0.02);

        var groups = precision.Groups.Zip(optimizer.ParamGroups, (g, o) => (g.Name, Options: (TorchSharp.Modules.AdamW.Options)((TorchSharp.Modules.ParamGroup)o).Options)).ToList();
        Assert.Equal(["decay", "no decay", "hidden"], groups.Select(g => g.Name));
        Assert.Equal([0.02, 0.02, 0.005], groups.Select(g => g.Options.LearningRate!.Value));
        Assert.Equal([0.1, 0.0, 0.4], groups.Select(g => g.Options.weight_decay!.Value), new ToleranceComparer(1e-12));
        // The head (untied) and the embedding in the first group, the hidden matrices in the last, by their sizes.
        var (v, d, hidden) = (config.VocabSize, config.DModel, model.HiddenWeights.Sum(n => model.named_parameters().Single(p => p.name == n).parameter.numel()));
        Assert.Equal(2L * v * d, precision.Buffers[0].numel());
        Assert.Equal(hidden, precision.Buffers[2].numel());
        Assert.Equal(model.parameters().Sum(p => p.numel()), precision.Buffers.Sum(b => b.numel()));
    }

    [Fact]
    public void The_standard_parametrization_keeps_its_two_groups_at_one_rate()
    {
        var config = Config(Parametrizations.Standard);
        using var model = ModelInitialisation.Build(config, seed: null);
        using var precision = new MixedPrecision(model, model.OptimizerGroups, 1, () => ModelInitialisation.Build(config, seed: null), config.Precision, CPU);
        using var optimizer = precision.NewOptimizer(config);
        optimizer.SetLearningRate(0.02);
        Assert.Equal(["decay", "no decay"], precision.Groups.Select(g => g.Name));
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(0.02, g.LearningRate));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_logits_are_divided_by_the_width_multiplier_whether_the_head_is_tied_or_not(bool tied)
    {
        // GLA has no softmax over q·k, so with the same weights μP's forward differs from the standard one only there.
        var standard = Config(Parametrizations.Standard, "gla") with { DModel = 96, TieEmbeddings = tied };   // m = 3
        using var a = ModelInitialisation.Build(standard, seed: 5);
        using var b = ModelInitialisation.Build(standard with { Parametrization = Parametrizations.Mup }, seed: 6);
        b.load_state_dict(a.state_dict());
        using var _ = no_grad();
        var idx = randint(0, standard.VocabSize, [2, 32], dtype: int64, generator: new Generator(7));
        Assert.True((a.forward(idx) / 3).allclose(b.forward(idx), rtol: 1e-5, atol: 1e-7));
    }

    [Fact]
    public void Softmax_attention_scores_q_dot_k_over_the_head_dimension()
    {
        var (d, heads, t) = (64, 2, 10);
        var config = Config(Parametrizations.Mup) with { DModel = d, NHeads = heads, NLayers = 1, Positions = "none" };
        using var model = ModelInitialisation.Build(config, seed: 2);
        var attention = model.Blocks.Single().Mixer;
        Assert.IsType<CausalSelfAttention>(attention);
        var weights = attention.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        using var _ = no_grad();
        var x = randn([3, t, d], generator: new Generator(3));
        var qkv = nn.functional.linear(x, weights["qkv.weight"]).split(d, dim: 2);
        var (q, k, v) = (AttentionHeads.SplitHeads(qkv[0], heads), AttentionHeads.SplitHeads(qkv[1], heads), AttentionHeads.SplitHeads(qkv[2], heads));
        var scores = q.matmul(k.transpose(2, 3)) / (d / heads);                                        // 1/d_head, not 1/√d_head
        scores = scores.masked_fill(ones(t, t, dtype: ScalarType.Bool).triu(1), double.NegativeInfinity);
        var expected = nn.functional.linear(AttentionHeads.Merge(scores.softmax(-1).matmul(v)), weights["proj.weight"]);
        Assert.True(attention.forward(x).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_mup_run_resumes_from_its_checkpoint_bit_for_bit()
    {
        var config = Config(Parametrizations.Mup) with { DModel = 64, Tokens = 8 * 32 * 20, LogInterval = 5, CheckpointInterval = 10, EvalInterval = 10, FinalEvalTokens = 0 };
        var uninterrupted = new RecordingObserver();
        new Trainer(config, new HiddenMarkovTask(config), CPU).Train(uninterrupted, CancellationToken.None);
        var resumed = new RecordingObserver();
        new Trainer(config, new HiddenMarkovTask(config), CPU).Train(resumed, CancellationToken.None, new MemoryStream(uninterrupted.Checkpoints[10]));
        Assert.Equal(uninterrupted.Losses(10), resumed.Losses(10));
    }

    [Fact]
    public void A_mup_run_is_not_packed()
    {
        Assert.Contains("parametrization mup", Packability.WhyNot([Config(Parametrizations.Mup)]));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
