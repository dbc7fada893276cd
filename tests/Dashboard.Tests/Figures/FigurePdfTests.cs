using ScaleLab.Dashboard.Figures;
using SkiaSharp;

namespace ScaleLab.Dashboard.Tests.Figures;

/// <summary>
/// A chart's SVG, as Plotly exports it in the dashboard, drawn onto a vector PDF. The SVG is the Scaling page's frontier
/// figure of a Chinchilla fit (9 runs, the fitted law written on it), saved from Chromium with the same Plotly.toImage
/// call the PDF button makes.
/// </summary>
public class FigurePdfTests
{
    private static readonly string Frontier = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Figures", "scaling-frontier.svg"));

    [Fact]
    public void A_figure_becomes_one_page_of_its_size_with_its_law_and_titles_as_text_and_its_curves_as_paths()
    {
        var pdf = PdfFigure.Read(FigurePdf.FromSvg(Frontier, "scaling-frontier"));

        Assert.Equal((750, 285), (pdf.Width, pdf.Height));   // 1000 × 380 pixels at 96 to the inch
        Assert.Contains("L(N, D) = 1.69 + 406.4/N^0.34 + 410.7/D^0.28", pdf.Text);
        Assert.Contains("training compute C (FLOPs)", pdf.Text);
        Assert.Contains("frontier", pdf.Text);
        Assert.True(pdf.PathSegments > 100, $"the curves and axes are paths: {pdf.PathSegments} segments");
        Assert.Equal(0, pdf.Images);
    }

    [Fact]
    public void An_image_is_drawn_from_the_figure_itself_and_never_read_from_a_file_it_names()
    {
        var png = Path.Combine(Path.GetTempPath(), $"figure-{Guid.NewGuid():N}.png");
        using (var bitmap = new SKBitmap(4, 4))
        {
            bitmap.Erase(SKColors.Red);
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(png, data.ToArray());
        }
        try
        {
            string Image(string href) => $"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="20"><image x="0" y="0" width="4" height="4" xlink:href="{href}"/></svg>""";

            var inline = PdfFigure.Read(FigurePdf.FromSvg(Image("data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(png))), "inline"));
            var file = PdfFigure.Read(FigurePdf.FromSvg(Image(new Uri(png).AbsoluteUri), "file"));

            Assert.Equal(1, inline.Images);
            Assert.Equal(0, file.Images);
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Theory]
    [InlineData("<html><body/></html>", "must be an SVG document")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">", "is not well-formed XML")]
    [InlineData("<!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\">]><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&a;</text></svg>", "without a DTD")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20000\" height=\"10\"/>", "1 to 10000 pixels a side")]
    public void What_is_not_a_figure_is_refused_saying_why(string svg, string why)
    {
        var refused = Assert.Throws<FigureRefusedException>(() => FigurePdf.FromSvg(svg, "refused"));

        Assert.Contains(why, refused.Message);
    }
}
