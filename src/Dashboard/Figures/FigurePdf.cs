using System.Xml;
using SkiaSharp;
using Svg;
using Svg.Skia;

namespace ScaleLab.Dashboard.Figures;

/// <summary>
/// A figure's SVG (what Plotly exports of a chart, as the SVG button saves it) drawn onto a one-page vector PDF: paths
/// stay paths, and text stays text in the font a browser would pick for it (<see cref="FigureFonts"/>; Skia embeds the
/// glyphs it draws with a map back to Unicode, so the law written on a figure can be searched and copied from the
/// paper). The page is the figure's size at CSS's 96 pixels to the inch, as a browser prints it: a 1000 × 380 chart is
/// a 750 × 285 pt page.
/// </summary>
public static class FigurePdf
{
    /// <summary>A sweep's chart of 1,000 runs exports about 4 MB of SVG.</summary>
    public const int MaxSvgChars = 16 * 1024 * 1024;

    /// <summary>The largest side a figure may have, in CSS pixels (a chart is drawn at 1000 wide).</summary>
    public const int MaxSide = 10_000;

    public const float PointsPerPixel = 72f / 96f;

    static FigurePdf()
    {
        // The SVG is the browser's, so anything may be posted as one: what it names outside itself is never fetched
        // or read (the server would otherwise request any address, or read any file, that a posted figure names).
        SvgDocument.ResolveExternalImages = ExternalType.None;
        SvgDocument.ResolveExternalElements = ExternalType.None;
        SvgDocument.ResolveExternalXmlEntites = ExternalType.None;
        SvgDocument.DisableDtdProcessing = true;
    }

    /// <summary>The PDF of <paramref name="svg"/>, titled <paramref name="title"/>.</summary>
    /// <exception cref="FigureRefusedException">It is no SVG figure that can be drawn, saying why.</exception>
    public static byte[] FromSvg(string svg, string title)
    {
        if (svg.Length > MaxSvgChars) throw new FigureRefusedException($"must be at most {MaxSvgChars / (1024 * 1024)} MiB of SVG");
        using var svgPicture = new SKSvg();
        svgPicture.Settings.EnableJavaScript = false;
        svgPicture.Settings.EnableExternalJavaScript = false;
        svgPicture.Settings.TypefaceProviders = [new FigureFonts(), .. svgPicture.Settings.TypefaceProviders ?? []];
        // Plotly ends each power-of-ten tick label with a zero-width space, which the browser draws as nothing but a
        // font without that character (Liberation Sans) draws as a gap between 10 and its exponent.
        var picture = svgPicture.FromSvgDocument(Parse(svg.Replace("\u200B", "", StringComparison.Ordinal)))
            ?? throw new FigureRefusedException("is an SVG with nothing to draw");
        var (width, height) = (picture.CullRect.Width, picture.CullRect.Height);
        if (width is not (> 0 and <= MaxSide) || height is not (> 0 and <= MaxSide))
            throw new FigureRefusedException($"must be a figure of 1 to {MaxSide} pixels a side (this one is {width} × {height})");

        using var pdf = new MemoryStream();
        using (var document = SKDocument.CreatePdf(pdf, new SKDocumentPdfMetadata { Title = title, Creator = "ScaleLab" }))
        {
            var canvas = document.BeginPage(width * PointsPerPixel, height * PointsPerPixel);
            canvas.Scale(PointsPerPixel);
            canvas.Translate(-picture.CullRect.Left, -picture.CullRect.Top);
            canvas.DrawPicture(picture);
            document.EndPage();
            document.Close();
        }
        return pdf.ToArray();
    }

    /// <summary>The SVG as a document: well-formed XML with an svg element and no DTD (whose entities could expand without bound).</summary>
    private static SvgDocument Parse(string svg)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxSvgChars };
        try
        {
            using var reader = XmlReader.Create(new StringReader(svg), settings);
            return SvgDocument.Open<SvgDocument>(reader) ?? throw new FigureRefusedException("must be an SVG document (an <svg> element)");
        }
        catch (XmlException ex)
        {
            throw new FigureRefusedException($"is not well-formed XML without a DTD: {ex.Message}");
        }
    }
}
