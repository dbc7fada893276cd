using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Pages;

namespace ScaleLab.Dashboard.Tests;

/// <summary>Stored fits are listed with links: back to the Scaling page for a fit of sweeps, and to the stored record.</summary>
public class FitsPageTests : BunitContext
{
    [Fact]
    public void A_fit_of_sweeps_opens_on_the_scaling_page_and_every_fit_links_its_record()
    {
        var sweep = Guid.Parse("0191c9a0-0000-7000-8000-00000000000a");
        var ofSweep = new FitSummary(Guid.NewGuid(), "isoflop", DateTimeOffset.UtcNow, 35, 2, [sweep]);
        var ofPoints = new FitSummary(Guid.NewGuid(), "compute", DateTimeOffset.UtcNow.AddHours(-1), 8, 1, []);
        var api = new FakeApi(_ => FakeApi.Json(new Page<FitSummary>([ofSweep, ofPoints], 2, 1, 50)));
        Services.AddSingleton(api.Client());
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ScaleLab:ApiUrl"] = "http://api.test/" }).Build());

        var page = Render<FitsPage>();

        page.WaitForElement($"tr[data-fit='{ofSweep.Id}']");
        Assert.Equal("/api/fits", api.Requests.Single().Path);
        Assert.Equal($"scaling?sweeps={sweep}&law=isoflop&bootstrap=200", page.Find($"tr[data-fit='{ofSweep.Id}'] a.open-fit").GetAttribute("href"));
        Assert.Empty(page.FindAll($"tr[data-fit='{ofPoints.Id}'] a.open-fit"));
        Assert.Contains("posted points", page.Find($"tr[data-fit='{ofPoints.Id}']").TextContent);
        Assert.EndsWith($"api/fits/{ofPoints.Id}", page.Find($"tr[data-fit='{ofPoints.Id}'] a.fit-json").GetAttribute("href"));
    }
}
