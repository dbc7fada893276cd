using System.Globalization;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Scaling;

/// <summary>How the dashboard writes fitted numbers: 4 significant digits, scientific when large or small, intervals in brackets.</summary>
public static class Numbers
{
    public static string Format(double value) =>
        !double.IsFinite(value) ? "–"
        : value != 0 && (Math.Abs(value) >= 1e5 || Math.Abs(value) < 1e-3) ? value.ToString("0.###E+0", CultureInfo.InvariantCulture)
        : value.ToString("G4", CultureInfo.InvariantCulture);

    public static string Format(Estimate? e) =>
        e is null || !double.IsFinite(e.Value) ? "–" // no estimate: an interval from the few resamples that had one would mislead
        : e.Low is null ? Format(e.Value) : $"{Format(e.Value)} [{Format(e.Low.Value)}, {Format(e.High!.Value)}]";

    /// <summary>Reads "1e21", "3.5E+20" or "1000000"; null when empty or not a positive number.</summary>
    public static double? ParsePositive(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v : null;
}
