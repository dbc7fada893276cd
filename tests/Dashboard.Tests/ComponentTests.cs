using Bunit;
using ScaleLab.Dashboard.Components.Shared;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Tests;

/// <summary>bUnit renders of the components the scaling pages are built from, fed by real fits.</summary>
public class ComponentTests : BunitContext
{
    [Fact]
    public void Fit_table_shows_every_parameter_with_its_bootstrap_interval()
    {
        var result = Fits.View(Fits.IsoFlopPoints(), FitLaw.Chinchilla).Result!;

        var table = Render<FitTable>(p => p.Add(c => c.Result, result).Add(c => c.Id, "params"));

        var row = table.Find("tr[data-group='all']");
        var alpha = row.QuerySelector("td[data-key='alpha']")!.TextContent;
        Assert.Matches(@"^0\.3\d* \[0\.\d+, 0\.\d+\]$", alpha);
        var derived = table.Find("#params-derived tr[data-group='all']");
        Assert.Contains("[", derived.QuerySelector("td[data-key='N_opt']")!.TextContent);
        Assert.Contains("95% bootstrap percentile intervals from 30 resamples", table.Markup);
    }

    [Fact]
    public void Crossings_name_the_compute_where_frontiers_cross_and_the_winner_beyond()
    {
        var crossings = Render<Crossings>(p => p.Add(c => c.Items,
        [
            new FrontierCrossing("gla", "softmax", 3.2e19, "softmax", 1e17, 1e25, [3.2e19]),
            new FrontierCrossing("linear", "softmax", null, "softmax", 1e17, 1e25, []),
            new FrontierCrossing("mamba", "softmax", 5e22, "mamba", 1e17, 1e25, [2e18, 5e22]),
        ]));

        var items = crossings.FindAll("li");
        Assert.Contains("cross at C ≈ 3.2E+19 FLOPs; above that softmax is better", items[0].TextContent);
        Assert.Contains("no crossing between 1E+17 and 1E+25 FLOPs; softmax is better throughout", items[1].TextContent);
        Assert.Contains("cross 2 times (at 2E+18, 5E+22 FLOPs); above C ≈ 5E+22 mamba is better", items[2].TextContent);
    }

    [Fact]
    public void Login_hint_links_back_to_the_page_it_was_shown_on()
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("/schedules");

        var hint = Render<LoginHint>(p => p.Add(c => c.Action, "create schedules"));

        Assert.Equal("/login?returnUrl=%2Fschedules", hint.Find("a").GetAttribute("href"));
        Assert.Contains("to create schedules", hint.Markup);
    }
}
