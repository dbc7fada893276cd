using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ScaleLab.Dashboard.Figures;

/// <summary>
/// POST /figures/pdf: a chart's SVG, as Plotly exports it in the browser, back as a vector PDF (<see cref="FigurePdf"/>).
/// Reading needs no login, and neither does this: it changes nothing and reads nothing but the figure posted.
/// </summary>
public static partial class FigureExport
{
    public const string Path = "/figures/pdf";

    /// <summary>A chart's id, which names the file: "scaling-frontier".</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}\z")]
    private static partial Regex FigureName();

    public static void MapFigureExport(this WebApplication app) => app.MapPost(Path, ToPdfAsync).AllowAnonymous();

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ToPdfAsync(HttpRequest request, string? name, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (name is null || !FigureName().IsMatch(name)) errors["name"] = ["must be a chart's id: 1-80 letters, digits, '-' and '_'"];
        if (request.ContentType?.Split(';')[0].Trim() != "image/svg+xml") errors["svg"] = ["must be sent as image/svg+xml"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The figure cannot be exported");
        if (await ReadAsync(request, ct) is not { } svg)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["svg"] = [$"must be at most {FigurePdf.MaxSvgChars / (1024 * 1024)} MiB of SVG"] },
                title: "The figure cannot be exported");
        try
        {
            return TypedResults.File(FigurePdf.FromSvg(svg, name!), "application/pdf", name + ".pdf");
        }
        catch (FigureRefusedException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["svg"] = [ex.Message] }, title: "The figure cannot be exported");
        }
    }

    /// <summary>The body as text, or null when it is longer than a figure may be (read no further than that).</summary>
    private static async Task<string?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > FigurePdf.MaxSvgChars * 4L) return null;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = new StringBuilder();
        var chunk = new char[64 * 1024];
        for (int read; (read = await reader.ReadAsync(chunk, ct)) > 0;)
        {
            if (text.Length + read > FigurePdf.MaxSvgChars) return null;
            text.Append(chunk, 0, read);
        }
        return text.ToString();
    }
}
