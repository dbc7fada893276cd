using ScaleLab.Sampling;
using ScaleLab.Synthetic;

namespace ScaleLab.Shared.Tests;

public class HiddenMarkovSourceTests
{
    [Fact]
    public void Forward_algorithm_recovers_the_closed_form_entropy_rate_of_a_visible_chain()
    {
        // Each state emits its own token: the text is the Markov chain itself, whose entropy rate is Σ π_i H(P_i).
        var hidden = HiddenMarkovSource.Generate(states: 16, vocab: 16, seed: 3);
        var transition = hidden.TransitionMatrix;
        var identity = Enumerable.Range(0, 16 * 16).Select(k => k / 16 == k % 16 ? 1.0 : 0.0).ToArray();
        var chain = new HiddenMarkovSource(16, 16, transition, identity);

        var truth = chain.MarkovChainEntropyRate();
        var (rate, se) = chain.EntropyRate(tokens: 400_000, seed: 1);

        Assert.InRange(truth, 0.3, Math.Log(HiddenMarkovSource.Branching));     // a real chain: neither fixed nor uniform
        Assert.InRange(se, 1e-5, 0.01);
        Assert.InRange(rate, truth - 4 * se, truth + 4 * se);
    }

    [Fact]
    public void A_single_state_source_has_the_entropy_of_its_emissions()
    {
        double[] emission = [0.5, 0.25, 0.125, 0.125];
        var iid = new HiddenMarkovSource(1, 4, [1.0], emission);
        var (rate, se) = iid.EntropyRate(tokens: 200_000, seed: 2);
        var entropy = -emission.Sum(p => p * Math.Log(p));                    // 1.75 bits = 1.2130 nats
        Assert.InRange(rate, entropy - 4 * se, entropy + 4 * se);
    }

    [Fact]
    public void Hidden_states_make_the_best_prediction_need_the_past()
    {
        var source = HiddenMarkovSource.Generate(states: 32, vocab: 64, seed: 0);
        var (rate, se) = source.EntropyRate(tokens: 200_000, seed: 5);
        var rng = new SplitMix64(9);
        var text = source.Sample(ref rng, 200_000);
        var unigram = text.GroupBy(t => t).Select(g => (double)g.Count() / text.Length).Sum(p => -p * Math.Log(p));

        // Knowing the past is worth a lot (else the task would be a unigram table), and the rate is far from zero.
        Assert.True(rate < unigram - 0.3, $"rate {rate:F3} vs unigram entropy {unigram:F3}");
        Assert.InRange(rate, 0.5, Math.Log(64));
        Assert.True(se < 0.01);
    }

    [Fact]
    public void The_same_seed_names_the_same_language_everywhere()
    {
        var a = HiddenMarkovSource.Generate(32, 64, seed: 7);
        var b = HiddenMarkovSource.Generate(32, 64, seed: 7);
        var c = HiddenMarkovSource.Generate(32, 64, seed: 8);
        var (ra, rb, rc) = (new SplitMix64(1), new SplitMix64(1), new SplitMix64(1));
        Assert.Equal(a.Sample(ref ra, 1000), b.Sample(ref rb, 1000));
        Assert.NotEqual(a.Sample(ref ra, 1000), c.Sample(ref rc, 1000));
    }

    [Fact]
    public void Early_positions_cost_more_than_the_rate_because_the_state_is_not_yet_known()
    {
        var source = HiddenMarkovSource.Generate(32, 64, seed: 0);
        var rng = new SplitMix64(4);
        var first = new double[4];
        var late = 0.0;
        const int windows = 4000;
        for (var w = 0; w < windows; w++)
        {
            var losses = source.ConditionalLosses(source.Sample(ref rng, 64));
            for (var t = 0; t < 4; t++) first[t] += losses[t] / windows;
            late += losses[32..].Average() / windows;
        }
        Assert.True(first[0] > first[3] && first[3] > late, $"{string.Join(", ", first.Select(f => f.ToString("F3")))} then {late:F3}");
    }
}
