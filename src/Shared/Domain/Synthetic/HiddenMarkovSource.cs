using ScaleLab.Sampling;

namespace ScaleLab.Synthetic;

/// <summary>
/// A hidden Markov model used as a language: text with unlimited fresh tokens whose best possible loss is known.
/// Each hidden state moves to one of <see cref="Branching"/> states and emits one of <see cref="Emitting"/> tokens,
/// with weights drawn once from the model's seed; tokens are shared between states, so predicting the next one needs
/// the belief over hidden states, which the forward algorithm computes exactly. That gives a law's irreducible loss E
/// a true value: the mean of −ln p(x_t | x_&lt;t) under the model itself.
/// </summary>
public sealed class HiddenMarkovSource
{
    /// <summary>Next states each state can move to.</summary>
    public const int Branching = 4;

    /// <summary>Tokens each state can emit.</summary>
    public const int Emitting = 8;

    /// <summary>Row-major S × S: Transition[i·S + j] = p(next = j | state = i).</summary>
    private readonly double[] _transition;

    /// <summary>Row-major S × V: Emission[i·V + v] = p(token = v | state = i).</summary>
    private readonly double[] _emission;

    private readonly double[] _stationary;

    /// <summary>Each row's non-zero entries (a state reaches a few states and emits a few tokens): what the loops walk.</summary>
    private readonly int[][] _next, _emits;
    private readonly double[][] _nextP, _emitsP;

    private static (int[][] Index, double[][] P) Sparse(double[] matrix, int rows, int columns)
    {
        var index = new int[rows][];
        var p = new double[rows][];
        for (var i = 0; i < rows; i++)
        {
            index[i] = Enumerable.Range(0, columns).Where(j => matrix[i * columns + j] > 0).ToArray();
            p[i] = index[i].Select(j => matrix[i * columns + j]).ToArray();
        }
        return (index, p);
    }

    public HiddenMarkovSource(int states, int vocab, double[] transition, double[] emission)
    {
        if (states < 1 || vocab < 2) throw new ArgumentOutOfRangeException(nameof(states), "needs at least 1 state and 2 tokens");
        if (transition.Length != states * states || emission.Length != states * vocab)
            throw new ArgumentException("transition must be S x S and emission S x V");
        (States, Vocab, _transition, _emission) = (states, vocab, transition, emission);
        (_next, _nextP) = Sparse(transition, states, states);
        (_emits, _emitsP) = Sparse(emission, states, vocab);
        _stationary = Stationary();
    }

    public int States { get; }

    /// <summary>For tests that build a related source from this one's chain.</summary>
    internal double[] TransitionMatrix => _transition;

    public int Vocab { get; }

    /// <summary>The model a seed names: the same (states, vocab, seed) gives the same language on every machine.</summary>
    public static HiddenMarkovSource Generate(int states, int vocab, int seed)
    {
        var rng = new SplitMix64(SplitMix64.Mix(0x484D4D ^ (ulong)(uint)seed));
        var transition = new double[states * states];
        var emission = new double[states * vocab];
        for (var i = 0; i < states; i++)
        {
            // Each state's successors include the next state in a cycle, so the chain is irreducible and aperiodic
            // enough to mix (the self-loop weight below is never zero unless the draw says so).
            Spread(ref rng, transition.AsSpan(i * states, states), Math.Min(Branching, states), forced: (i + 1) % states);
            Spread(ref rng, emission.AsSpan(i * vocab, vocab), Math.Min(Emitting, vocab), forced: -1);
        }
        return new HiddenMarkovSource(states, vocab, transition, emission);
    }

    /// <summary>Puts weight on k distinct entries of a row (squared uniforms, normalised: some large, some small).</summary>
    private static void Spread(ref SplitMix64 rng, Span<double> row, int k, int forced)
    {
        var chosen = new HashSet<int>();
        if (forced >= 0) chosen.Add(forced);
        while (chosen.Count < k) chosen.Add(rng.Below(row.Length));
        double total = 0;
        foreach (var j in chosen)
        {
            var u = 0.05 + rng.NextDouble();
            row[j] = u * u;
            total += row[j];
        }
        foreach (var j in chosen) row[j] /= total;
    }

    /// <summary>The chain's stationary distribution, by power iteration from uniform (lazy, so periodic chains converge too).</summary>
    private double[] Stationary()
    {
        var pi = Enumerable.Repeat(1.0 / States, States).ToArray();
        var next = new double[States];
        for (var iteration = 0; iteration < 100_000; iteration++)
        {
            Array.Clear(next);
            for (var i = 0; i < States; i++)
                for (var k = 0; k < _next[i].Length; k++) next[_next[i][k]] += pi[i] * _nextP[i][k];
            double change = 0;
            for (var j = 0; j < States; j++)
            {
                var lazy = 0.5 * (pi[j] + next[j]);
                change += Math.Abs(lazy - pi[j]);
                pi[j] = lazy;
            }
            if (change < 1e-13) break;
        }
        return pi;
    }

    /// <summary>A stretch of text that starts in the stationary distribution.</summary>
    public int[] Sample(ref SplitMix64 rng, int length)
    {
        var tokens = new int[length];
        var state = Draw(ref rng, _stationary);
        for (var t = 0; t < length; t++)
        {
            tokens[t] = _emits[state][Draw(ref rng, _emitsP[state])];
            state = _next[state][Draw(ref rng, _nextP[state])];
        }
        return tokens;
    }

    private static int Draw(ref SplitMix64 rng, ReadOnlySpan<double> p)
    {
        var u = rng.NextDouble();
        for (var i = 0; i < p.Length; i++)
        {
            u -= p[i];
            if (u < 0) return i;
        }
        for (var i = p.Length - 1; i >= 0; i--) if (p[i] > 0) return i;   // rounding left u ≥ 0: the last possible one
        throw new InvalidOperationException("empty distribution");
    }

    /// <summary>
    /// −ln p(x_t | x_0..x_{t−1}) for every t, by the forward algorithm (normalised each step): the loss of the best
    /// possible predictor that has read the stretch from its start. Position 0 is predicted from the stationary
    /// distribution alone.
    /// </summary>
    public double[] ConditionalLosses(ReadOnlySpan<int> tokens)
    {
        var losses = new double[tokens.Length];
        var belief = (double[])_stationary.Clone();                       // p(state_t | x_<t)
        var next = new double[States];
        for (var t = 0; t < tokens.Length; t++)
        {
            double p = 0;
            for (var i = 0; i < States; i++)
            {
                belief[i] *= _emission[i * Vocab + tokens[t]];          // joint with x_t
                p += belief[i];
            }
            losses[t] = -Math.Log(p);
            Array.Clear(next);
            for (var i = 0; i < States; i++)
            {
                var b = belief[i] / p;                                    // p(state_t | x_≤t)
                if (b == 0) continue;
                for (var k = 0; k < _next[i].Length; k++) next[_next[i][k]] += b * _nextP[i][k];
            }
            (belief, next) = (next, belief);
        }
        return losses;
    }

    /// <summary>
    /// The entropy rate in nats per token, estimated on one long stretch (the first <paramref name="burnIn"/> tokens
    /// dropped), with the standard error of batch means over 100 blocks.
    /// </summary>
    public (double Rate, double StandardError) EntropyRate(int tokens, int seed, int burnIn = 1_000)
    {
        var rng = new SplitMix64(SplitMix64.Mix(0xE27 ^ (ulong)(uint)seed));
        var losses = ConditionalLosses(Sample(ref rng, burnIn + tokens)).AsSpan(burnIn);
        const int blocks = 100;
        var size = losses.Length / blocks;
        var means = new double[blocks];
        for (var b = 0; b < blocks; b++)
        {
            double sum = 0;
            foreach (var l in losses.Slice(b * size, size)) sum += l;
            means[b] = sum / size;
        }
        return (means.Average(), MathNet.Numerics.Statistics.Statistics.StandardDeviation(means) / Math.Sqrt(blocks));
    }

    /// <summary>Closed form for the special case where each state emits its own token: Σ_i π_i H(P_i·).</summary>
    public double MarkovChainEntropyRate()
    {
        double h = 0;
        for (var i = 0; i < States; i++)
            for (var j = 0; j < States; j++)
            {
                var p = _transition[i * States + j];
                if (p > 0) h -= _stationary[i] * p * Math.Log(p);
            }
        return h;
    }
}
