using ScaleLab.Sampling;

namespace ScaleLab.Datasets;

/// <summary>
/// Which training window a sequence reads: sampling without replacement within an epoch. The split's tokens are cut
/// into W windows of T + 1 tokens (input and its shifted target) at an offset drawn per epoch, and every epoch
/// visits all W windows in its own pseudo-random order. Sequence k of the run (step · batch + row) falls in epoch
/// k / W, so a batch stays a pure function of (seed, step) and resuming needs no loader state.
/// </summary>
public readonly record struct WindowOrder(long Tokens, int SeqLen, int Seed)
{
    /// <summary>Windows per epoch: room is kept for any offset below T.</summary>
    public long Windows => Math.Max(0, (Tokens - SeqLen) / SeqLen);

    /// <summary>Epochs that this many sequences consume (fractional).</summary>
    public double Epochs(long sequences) => Windows == 0 ? double.PositiveInfinity : (double)sequences / Windows;

    /// <summary>First token of sequence k's window.</summary>
    public long Start(long sequence)
    {
        if (Windows == 0) throw new InvalidOperationException($"{Tokens} tokens hold no window of {SeqLen + 1}");
        var epoch = sequence / Windows;
        var key = SplitMix64.Mix(((ulong)(uint)Seed << 32) ^ SplitMix64.Mix((ulong)epoch));
        var offset = (long)(key % (ulong)SeqLen);
        return offset + Permute(sequence % Windows, Windows, key) * SeqLen;
    }

    /// <summary>
    /// A bijection of [0, n) keyed by <paramref name="key"/>: a 4-round Feistel network over the smallest even power
    /// of two ≥ n, walking the cycle until the value falls back inside [0, n) (on average under 4 rounds of walking).
    /// </summary>
    public static long Permute(long index, long n, ulong key)
    {
        if (n <= 1) return 0;
        var halfBits = (64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1)) + 1) / 2;
        var mask = (1UL << halfBits) - 1;
        var x = (ulong)index;
        do
        {
            var (left, right) = (x >> halfBits, x & mask);
            for (var round = 0UL; round < 4; round++)
                (left, right) = (right, left ^ (SplitMix64.Mix(right ^ key ^ (round << 60)) & mask));
            x = (left << halfBits) | right;
        } while (x >= (ulong)n);
        return (long)x;
    }
}
