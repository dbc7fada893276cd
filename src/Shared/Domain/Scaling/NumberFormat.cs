using System.Globalization;

namespace ScaleLab.Scaling;

/// <summary>
/// The one way ScaleLab writes a number for people (the dashboard, the CLI, figures and tables): 4 significant digits,
/// scientific as 1.235E+20 when the magnitude is at least 1e4 or below 1e-3 (where 4 digits no longer show every integer digit), "–" where there is no value, and an
/// interval in brackets after an estimate. <see cref="Latex"/> writes the same digits for a paper.
/// </summary>
public static class NumberFormat
{
    private static bool Scientific(double value) => value != 0 && (Math.Abs(value) >= 1e4 || Math.Abs(value) < 1e-3);

    public static string Short(double value) =>
        !double.IsFinite(value) ? "–"
        : Scientific(value) ? value.ToString("0.###E+0", CultureInfo.InvariantCulture)
        : value.ToString("G4", CultureInfo.InvariantCulture);

    public static string Short(double? value) => value is { } v ? Short(v) : "–";

    /// <summary>A loss, as every table writes one: 4 decimals ("3.2841"), "–" without one.</summary>
    public static string Loss(double? loss) => loss is { } l && double.IsFinite(l) ? l.ToString("F4", CultureInfo.InvariantCulture) : "–";

    /// <summary>An estimate with its interval: "0.3412 [0.33, 0.352]"; "–" without a value.</summary>
    public static string Short(Estimate? e) =>
        e is null || !double.IsFinite(e.Value) ? "–" // no estimate: an interval from the few resamples that had one would mislead
        : e.Low is null ? Short(e.Value) : $"{Short(e.Value)} [{Short(e.Low.Value)}, {Short(e.High!.Value)}]";

    /// <summary>The same digits in LaTeX math: 1.235\times10^{20}, or 0.3412.</summary>
    public static string Latex(double value)
    {
        if (!double.IsFinite(value)) return "\\text{--}";
        if (!Scientific(value)) return value.ToString("G4", CultureInfo.InvariantCulture);
        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var mantissa = value / Math.Pow(10, exponent);
        if (Math.Abs(Math.Round(mantissa, 3)) >= 10) (mantissa, exponent) = (mantissa / 10, exponent + 1);
        var digits = mantissa.ToString("0.###", CultureInfo.InvariantCulture);
        return digits == "1" ? $"10^{{{exponent}}}" : $"{digits}\\times10^{{{exponent}}}";
    }
}
