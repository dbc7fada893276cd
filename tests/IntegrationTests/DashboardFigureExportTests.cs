using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ScaleLab.Dashboard.Tests.Figures;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// Figures for papers in a real browser: the PDF button beside the SVG one saves the chart as a vector PDF (Plotly's
/// SVG of it, converted by the dashboard's server), with the law written on the figure as text.
/// </summary>
[Collection(ClusterCollection.Name)]
public class DashboardFigureExportTests(ClusterFixture cluster)
{
    /// <summary>
    /// A study of 9 runs logged over the API (3 sizes × 3 token counts) whose final losses follow Chinchilla's law
    /// exactly, so a law can be fitted to it without training anything.
    /// </summary>
    private async Task<Guid> ChinchillaStudyAsync(string name)
    {
        using var opened = await cluster.PostAsync("api/external/studies", $$$"""{"name":"{{{name}}}","accounting":{"compute":"6ND"}}""");
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var study = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        foreach (var n in new[] { 1e6, 4e6, 16e6 })
            foreach (var d in new[] { 2e7, 8e7, 3.2e8 })
            {
                using var added = await cluster.PostAsync($"api/external/studies/{study}/runs",
                    $$$"""{"name":"n{{{n:0}}}-d{{{d:0}}}","nonEmbeddingParameters":{{{n:0}}},"tokens":{{{d:0}}}}""");
                var run = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                var loss = (1.69 + 406.4 / Math.Pow(n, 0.34) + 410.7 / Math.Pow(d, 0.28)).ToString("R", CultureInfo.InvariantCulture);
                using var finished = await cluster.PostAsync($"api/external/runs/{run}/finish",
                    $$$"""{"status":"succeeded","finalLoss":{{{loss}}},"finalValLoss":{{{loss}}}}""");
                Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
            }
        return study;
    }

    [Fact]
    public async Task The_pdf_button_saves_the_scaling_figure_as_a_vector_pdf_with_its_law_as_text()
    {
        var study = await ChinchillaStudyAsync("it-figure-pdf-" + Guid.NewGuid().ToString("N")[..6]);
        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;
        await browser.GoInteractiveAsync($"scaling?sweeps={study}&law=chinchilla&bootstrap=0");
        await browser.WaitForAsync("#scaling-frontier .main-svg", "scaling chart", timeoutMs: 60_000);
        var law = WebUtility.HtmlDecode(await page.EvaluateAsync<string>("document.getElementById('scaling-frontier').layout.annotations[0].text"));
        Assert.StartsWith("L(N, D) = ", law);
        await browser.ScreenshotAsync("scaling-figure-export");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(".chart:has(#scaling-frontier) .chart-tools button:text-is('PDF')"));
        var saved = Path.Combine(cluster.Root, "TestResults", "figures", "scaling-frontier.pdf");
        await download.SaveAsAsync(saved);

        Assert.Equal("scaling-frontier.pdf", download.SuggestedFilename);
        var pdf = PdfFigure.Read(await File.ReadAllBytesAsync(saved));
        Assert.Equal((750, 285), (pdf.Width, pdf.Height));   // the chart's 1000 × 380 pixels at 96 to the inch
        Assert.Contains(law, pdf.Text);
        Assert.Contains("training compute C (FLOPs)", pdf.Text);
        Assert.True(pdf.PathSegments > 100, $"the curves and axes are paths: {pdf.PathSegments} segments");
        Assert.Equal(0, pdf.Images);
        Assert.Equal(0, await page.Locator("#scaling-frontier-export-error").CountAsync());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task The_parameter_table_is_copied_as_latex_to_the_browsers_clipboard()
    {
        var study = await ChinchillaStudyAsync("it-table-latex-" + Guid.NewGuid().ToString("N")[..6]);
        await using var browser = await DashboardBrowser.OpenAsync(cluster);
        var page = browser.Page;
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);   // a user's leave, as a browser would ask for it
        await browser.GoInteractiveAsync($"scaling?sweeps={study}&law=chinchilla&bootstrap=0");
        await browser.WaitForAsync("#scaling-params td[data-key=alpha]", "scaling fit", timeoutMs: 60_000);

        await page.ClickAsync("#scaling-params-copy-latex");
        await browser.WaitForAsync("#scaling-params-latex-copied", "copied");

        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.StartsWith("% all: $L(N, D) = ", copied);
        Assert.Contains("\\begin{tabular}{l r c c c c c}\n\\toprule\nGroup & Runs & ", copied);   // the five parameters of Chinchilla's law
        Assert.Contains("$\\alpha$", copied);
        Assert.EndsWith("\\bottomrule\n\\end{tabular}\n", copied);   // no bootstrap, so no note below
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task What_is_not_a_figure_is_refused_with_problem_details_naming_the_field()
    {
        using var text = await cluster.Dashboard.PostAsync("figures/pdf?name=scaling-frontier", new StringContent("<svg/>", System.Text.Encoding.UTF8, "text/plain"));
        using var entities = await cluster.Dashboard.PostAsync("figures/pdf?name=scaling-frontier", new StringContent(
            """<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&a;</text></svg>""",
            System.Text.Encoding.UTF8, "image/svg+xml"));
        using var unnamed = await cluster.Dashboard.PostAsync("figures/pdf?name=../x", new StringContent(
            """<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>""", System.Text.Encoding.UTF8, "image/svg+xml"));

        foreach (var (response, field) in new[] { (text, "svg"), (entities, "svg"), (unnamed, "name") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("The figure cannot be exported", problem.GetProperty("title").GetString());
            Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }
    }
}
