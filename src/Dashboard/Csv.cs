using System.Globalization;

namespace ScaleLab.Dashboard;

/// <summary>The dashboard's CSV cells: invariant numbers that round-trip, RFC 4180 quoting, no formulas.</summary>
public static class Csv
{
    public static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 quoting, and a leading apostrophe for text a spreadsheet would run as a formula.</summary>
    public static string Quote(string text)
    {
        if (text.Length > 0 && "=+-@".Contains(text[0])) text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";
    }
}
