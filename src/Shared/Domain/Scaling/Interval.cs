namespace ScaleLab.Scaling;

/// <summary>A point estimate with a bootstrap percentile interval (null bounds when no bootstrap was run).</summary>
public sealed record Estimate(double Value, double? Low = null, double? High = null)
{
    public static Estimate From(double value, IReadOnlyList<double> bootstrap, double level)
    {
        var finite = bootstrap.Where(double.IsFinite).Order().ToArray();
        if (finite.Length < 2) return new Estimate(value);
        var tail = (1 - level) / 2;
        return new Estimate(value, Percentile(finite, tail), Percentile(finite, 1 - tail));
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    public static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
