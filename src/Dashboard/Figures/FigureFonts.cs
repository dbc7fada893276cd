using SkiaSharp;
using Svg.Skia.TypefaceProviders;

namespace ScaleLab.Dashboard.Figures;

/// <summary>
/// The font of a figure's text, picked from its family list ("'Open Sans', verdana, arial, sans-serif", Plotly's) as a
/// browser picks it: the first family installed, or one with the same metrics standing in for it. Plotly placed each
/// piece of text by its width in the browser's font, so text drawn in a wider one runs past where it should end: asked
/// for any name, fontconfig answers with its default font (DejaVu Sans on Debian, a fifth wider than Arial), and a
/// chart's legend ran off the page. Families found nowhere are left to the next provider, fontconfig's default.
/// </summary>
public sealed class FigureFonts : ITypefaceProvider
{
    /// <summary>Liberation's fonts have the metrics of those they stand in for (Debian's fonts-liberation).</summary>
    private static readonly Dictionary<string, string> SameMetrics = new(StringComparer.OrdinalIgnoreCase)
    {
        ["arial"] = "Liberation Sans", ["helvetica"] = "Liberation Sans",
        ["times new roman"] = "Liberation Serif", ["times"] = "Liberation Serif",
        ["courier new"] = "Liberation Mono", ["courier"] = "Liberation Mono",
    };

    public SKTypeface? FromFamilyName(string fontFamily, SKFontStyleWeight fontWeight, SKFontStyleWidth fontWidth, SKFontStyleSlant fontStyle)
    {
        var style = new SKFontStyle(fontWeight, fontWidth, fontStyle);
        foreach (var name in fontFamily.Split(',').Select(f => f.Trim().Trim('\'', '"')).Where(f => f.Length > 0))
        {
            var family = SameMetrics.GetValueOrDefault(name, name);
            var typeface = SKFontManager.Default.MatchFamily(family, style);
            if (typeface is not null && string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase)) return typeface;
            typeface?.Dispose();
        }
        return null;
    }
}
