namespace ScaleLab.Sampling;

/// <summary>
/// SplitMix64 (Steele et al. 2014): a tiny generator whose stream is fixed by its seed on every platform and .NET
/// version, unlike System.Random, so generated data (training batches, random-search samples) is reproducible forever.
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The generator's finaliser on its own: a well-mixed 64-bit hash.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public ulong Next()
    {
        var result = Mix(_state);
        _state += 0x9E3779B97F4A7C15UL;
        return result;
    }

    /// <summary>Uniform in [0, n) (the modulo bias is below 2⁻³² for the n used here).</summary>
    public int Below(int n) => (int)(Next() % (ulong)n);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
