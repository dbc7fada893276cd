using System.Net;
using System.Text.Json;

namespace ScaleLab.IntegrationTests;

[Collection(ClusterCollection.Name)]
public class ApiReferenceTests(ClusterFixture cluster)
{
    [Fact]
    public async Task The_openapi_document_lists_every_feature_and_the_reference_ui_serves_it()
    {
        using var document = JsonDocument.Parse(await cluster.Api.GetStringAsync("openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/sweeps", "/api/sweeps/preview", "/api/runs/{id}", "/api/fits", "/api/schedules", "/api/schedules/{id}/trigger", "/api/workers" })
            Assert.Contains(path, paths);

        using var page = await cluster.Api.GetAsync("reference");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync());
    }
}
