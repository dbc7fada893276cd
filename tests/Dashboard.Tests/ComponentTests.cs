using Bunit;
using Microsoft.JSInterop;
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
    public void Fit_table_copies_its_latex_to_the_clipboard_and_still_downloads_it()
    {
        var result = Fits.View(Fits.IsoFlopPoints(), FitLaw.Chinchilla).Result!;
        var clipboard = JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true);
        clipboard.SetVoidResult();
        JSInterop.SetupVoid("scalelab.downloadText", _ => true).SetVoidResult();
        var table = Render<FitTable>(p => p.Add(c => c.Result, result).Add(c => c.Id, "params"));

        table.Find("#params-copy-latex").Click();

        var latex = FitTable.Latex(result);
        Assert.StartsWith("% all: $L(N, D) = ", latex);
        Assert.Contains("\\begin{tabular}{l r c c c c c}", latex);
        Assert.Equal(latex, JSInterop.VerifyInvoke("navigator.clipboard.writeText").Arguments.Single());
        Assert.Equal("copied", table.Find("#params-latex-copied").TextContent);
        table.Find("#params-latex").Click();
        Assert.Equal(["params.tex", latex, "application/x-tex"], JSInterop.VerifyInvoke("scalelab.downloadText").Arguments);
    }

    [Fact]
    public void A_clipboard_the_browser_refuses_is_said_beside_the_buttons()
    {
        var result = Fits.View(Fits.IsoFlopPoints(), FitLaw.Chinchilla, bootstrap: 0).Result!;
        JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true)
            .SetException(new JSException("Could not find 'navigator.clipboard.writeText' ('clipboard' was undefined).\nError: at findFunction"));
        var table = Render<FitTable>(p => p.Add(c => c.Result, result).Add(c => c.Id, "params"));

        table.Find("#params-copy-latex").Click();

        Assert.Equal("Could not copy (Could not find 'navigator.clipboard.writeText' ('clipboard' was undefined).); download the .tex instead.",
            table.Find("#params-latex-error").TextContent);
        Assert.Empty(table.FindAll("#params-latex-copied"));
    }

    [Fact]
    public void Fit_points_list_every_residual_the_degrees_of_freedom_and_the_points_left_out()
    {
        // Four IsoFLOP budgets' runs and one budget whose single size cannot make a profile.
        var points = Fits.IsoFlopPoints().Append(new ScaleLab.Scaling.ScalingPoint(1e9, 1e13, 2.2, 6e22)).ToList();
        var result = Fits.View(points, ScaleLab.Scaling.FitLaw.IsoFlop).Result!;
        var g = result.Groups.Single();

        var section = Render<FitPoints>(p => p.Add(c => c.Result, result));

        Assert.Equal(20, section.FindAll("table.residuals tbody tr").Count);
        Assert.Equal((20 - 3 * 4).ToString(), section.Find("[data-key=dof]").TextContent);
        var excluded = section.Find("ul.excluded li").TextContent;
        Assert.Contains("has 1 model size(s); a profile needs 3", excluded);
        var first = g.Used[0];
        Assert.Contains(first.LogResidual.ToString("+0.0000;-0.0000"), section.Find("table.residuals tbody tr").TextContent);

        var warnings = Render<FitWarningList>(p => p.Add(c => c.Result, result));
        Assert.Contains("1 of 21 points were left out", warnings.Find("#fit-warnings").TextContent);
    }

    [Fact]
    public void Crossings_name_the_compute_where_frontiers_cross_and_the_winner_beyond()
    {
        var crossings = Render<Crossings>(p => p.Add(c => c.Items,
        [
            new FrontierCrossing("gla", "softmax", 3.2e19, "softmax", 1e17, 1e25, [3.2e19]) { Low = 1e19, High = 9e19, Replicates = 200, Crossed = 196 },
            new FrontierCrossing("linear", "softmax", null, "softmax", 1e17, 1e25, []),
            new FrontierCrossing("mamba", "softmax", 5e22, "mamba", 1e17, 1e25, [2e18, 5e22]),
        ]));

        var items = crossings.FindAll("li");
        Assert.Contains("cross at C ≈ 3.2E+19 [1E+19, 9E+19] FLOPs; above that softmax is better", items[0].TextContent);
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
