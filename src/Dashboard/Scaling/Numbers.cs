using System.Globalization;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Scaling;

/// <summary>How the dashboard reads numbers people type (ScaleLab.Scaling.NumberFormat writes them).</summary>
public static class Numbers
{
    /// <summary>Reads "1e21", "3.5E+20" or "1000000"; null when empty or not a positive number.</summary>
    public static double? ParsePositive(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v : null;
}
