using Bunit;
using Microsoft.AspNetCore.Components;
using ScaleLab.Analysis;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Sweeps;

namespace ScaleLab.Dashboard.Tests;

/// <summary>The Ablations page writes its numbers as the rest of the dashboard does (NumberFormat).</summary>
public class AblationsPageTests : BunitContext
{
    private static readonly Guid Sweep = Guid.Parse("0191c9a0-0000-7000-8000-0000000000c1");

    private static readonly ArmResult[] Arms =
    [
        new("mixer=gla", new Dictionary<string, string> { ["mixer"] = "gla" }, 3e-5, 3.21234, true, [new(3e-5, 3.21234, 2, 2), new(1e-4, 3.3, 2, 2), new(3e-4, null, 2, 0)]),
        new("mixer=softmax", new Dictionary<string, string> { ["mixer"] = "softmax" }, 1e-3, 3.1, false, [new(3e-4, 3.2, 2, 2), new(1e-3, 3.1, 2, 2), new(3e-3, 3.15, 2, 2)]),
    ];

    private static HttpResponseMessage Answer(HttpRequestMessage request) => request.RequestUri!.AbsolutePath switch
    {
        "/api/fits/preview" => FakeApi.Json(new ScalingView([], null, new Dictionary<string, string[]>())),
        var path when path == $"/api/sweeps/{Sweep}" => FakeApi.Json(new SweepDetail(
            new SweepSummary(Sweep, "abl", StudyKinds.Ablation, SweepStatus.Succeeded, 6, 6, 0, 1e15, DateTimeOffset.UtcNow, null), "{}", [])),
        var path when path == $"/api/sweeps/{Sweep}/arms" => FakeApi.Json(Arms),
        _ => FakeApi.Json(new Page<SweepSummary>([], 0, 1, 100)),   // the sweep picker's list
    };

    [Fact]
    public void Learning_rates_and_losses_of_the_arms_are_written_in_the_apps_number_format()
    {
        Services.AddSingleton(new FakeApi(Answer).Client());
        Services.GetRequiredService<NavigationManager>().NavigateTo($"ablations?sweeps={Sweep}&law=compute");

        var page = Render<AblationsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table.arms tbody tr").Count), TimeSpan.FromSeconds(10));
        string[] Cells(int row) => [.. page.FindAll("table.arms tbody tr")[row].QuerySelectorAll("td").Select(td => td.TextContent)];
        Assert.Equal(["mixer=softmax", "0.001", "3.1000", "3E-4: 3.2000, 0.001: 3.1000, 0.003: 3.1500"], Cells(0));
        Assert.Equal(["mixer=gla", "3E-5 edge", "3.2123", "3E-5: 3.2123, 1E-4: 3.3000, 3E-4: –"], Cells(1));
    }
}
