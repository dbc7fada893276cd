namespace ScaleLab.Dashboard.Components.Charts;

/// <summary>
/// Exponential moving average of a curve, debiased as TensorBoard and W&amp;B smooth (the first points are not pulled
/// towards zero): s_t = w·s_{t−1} + (1 − w)·x_t, shown as s_t / (1 − w^t). Missing values (NaN) stay missing and are
/// skipped by the average.
/// </summary>
public static class Smoothing
{
    /// <summary>The weights offered, from none to heavy.</summary>
    public static readonly double[] Weights = [0, 0.6, 0.8, 0.9, 0.95, 0.99];

    public static IReadOnlyList<double> Ema(IReadOnlyList<double> values, double weight)
    {
        if (weight <= 0) return values;
        if (weight >= 1) throw new ArgumentOutOfRangeException(nameof(weight), "must be below 1");
        var smoothed = new double[values.Count];
        double average = 0, debias = 1;
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                smoothed[i] = double.NaN;
                continue;
            }
            average = weight * average + (1 - weight) * values[i];
            debias *= weight;
            smoothed[i] = average / (1 - debias);
        }
        return smoothed;
    }
}
