using System.Globalization;
using Bunit;
using ScaleLab.Dashboard.Components.Shared;
using ScaleLab.Sweeps;

namespace ScaleLab.Dashboard.Tests;

/// <summary>The sweep page's record of an adaptive study: its aim and cap, each round it queued, and why it stopped.</summary>
public class AdaptiveDesignPanelTests : BunitContext
{
    public AdaptiveDesignPanelTests() => CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

    private static readonly AdaptiveLog Log = new(AdaptiveSpec.IsoFlopExponent, 0.05, 4e15, 2e15,
    [
        new AdaptiveLogRound(1, ["C=1e13, N=2e5", "C=1e13, N=4e5", "C=1e13, N=8e5"], "FirstFit", 3e13, 0, null, null),
        new AdaptiveLogRound(2, ["C=1e14, N=1e6"], "NarrowInterval", 1.3e14, 6, new AdaptiveLogInterval(0.47, 0.38, 0.56), 0.12),
    ]);

    [Fact]
    public void A_running_design_lists_its_rounds_with_the_interval_at_the_time()
    {
        var panel = Render<AdaptiveDesignPanel>(p => p.Add(c => c.Log, Log));

        Assert.Contains("below 0.05", panel.Find("#adaptive-summary").TextContent);
        Assert.Contains("50 % of the", panel.Find("#adaptive-summary").TextContent);   // cap over the grid
        Assert.Contains("Still choosing", panel.Find("#adaptive-stop").TextContent);
        var rows = panel.FindAll("#adaptive-rounds tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("no fit yet", rows[0].TextContent);
        Assert.Contains("the smallest design that makes a fit", rows[0].TextContent);
        Assert.Contains("0.470 [0.380, 0.560], width 0.18", rows[1].TextContent);
        Assert.Contains("narrows the interval the most per FLOP", rows[1].TextContent);
        Assert.Contains("0.12", rows[1].TextContent);
    }

    [Fact]
    public void A_stopped_design_says_why_and_where_the_exponent_ended()
    {
        var stopped = Log with { Stop = "TargetReached", Final = new AdaptiveLogInterval(0.45, 0.43, 0.47) };

        var panel = Render<AdaptiveDesignPanel>(p => p.Add(c => c.Log, stopped));

        Assert.Equal("Stopped: the interval is narrower than the target; a of N_opt ∝ C^a = 0.450 [0.430, 0.470], width 0.04.",
            panel.Find("#adaptive-stop").TextContent.Trim());
    }
}
