using Bunit;
using ScaleLab.Dashboard.Components.Shared;

namespace ScaleLab.Dashboard.Tests;

/// <summary>The pages' one live-refresh loop: failures are shown, inactive and disposed loops stay quiet.</summary>
public class LiveRefreshTests : BunitContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_failed_refresh_is_shown_and_the_next_success_clears_it()
    {
        var (calls, fail) = (0, true);
        var refresh = Render<LiveRefresh>(p => p.Add(c => c.Seconds, 0.05).Add(c => c.OnTick, () =>
        {
            calls++;
            if (fail) throw new HttpRequestException("Connection refused (localhost:5080)");
        }));

        refresh.WaitForAssertion(() => Assert.Contains("Connection refused (localhost:5080)", refresh.Find(".refresh-error").TextContent), Patience);
        var failedCalls = calls;
        fail = false;
        refresh.WaitForAssertion(() => Assert.Empty(refresh.FindAll(".refresh-error")), Patience);
        Assert.True(calls > failedCalls, "the loop kept trying after the failure");
    }

    [Fact]
    public async Task An_inactive_loop_skips_its_ticks_and_a_disposed_one_stops()
    {
        var (active, inactive, disposed) = (0, 0, 0);
        Render<LiveRefresh>(p => p.Add(c => c.Seconds, 0.02).Add(c => c.OnTick, () => active++));
        Render<LiveRefresh>(p => p.Add(c => c.Seconds, 0.02).Add(c => c.Active, false).Add(c => c.OnTick, () => inactive++));
        var doomed = Render<LiveRefresh>(p => p.Add(c => c.Seconds, 0.02).Add(c => c.OnTick, () => disposed++));

        // The active loop's ticks are the clock: the others had as many chances.
        WaitFor(() => active >= 5 && disposed >= 1);
        Assert.Equal(0, inactive);
        await doomed.Instance.DisposeAsync();
        var atDisposal = disposed;
        var mark = active;
        WaitFor(() => active >= mark + 5);
        Assert.Equal(0, inactive);
        Assert.Equal(atDisposal, disposed);
    }

    private static void WaitFor(Func<bool> condition) =>
        Assert.True(SpinWait.SpinUntil(condition, Patience), "timed out waiting for the refresh loop");
}
