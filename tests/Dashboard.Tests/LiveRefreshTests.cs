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

    [Fact]
    public async Task A_loop_skips_its_ticks_while_the_browser_is_away_and_resumes_when_it_is_back()
    {
        var connection = new ScaleLab.Dashboard.Circuits.CircuitConnection();
        Services.AddSingleton(connection);
        var calls = 0;
        Render<LiveRefresh>(p => p.Add(c => c.Seconds, 0.02).Add(c => c.OnTick, () => calls++));
        WaitFor(() => calls >= 1);

        await connection.OnConnectionDownAsync(null!, default);
        var atDisconnect = calls;
        // A timer of the loop's period is the clock: the loop had as many chances to tick.
        var clock = 0;
        using (new Timer(_ => Interlocked.Increment(ref clock), null, 0, 20)) WaitFor(() => Volatile.Read(ref clock) >= 10);
        Assert.InRange(calls, atDisconnect, atDisconnect + 1);   // a tick under way when the connection went may finish

        await connection.OnConnectionUpAsync(null!, default);
        WaitFor(() => calls >= atDisconnect + 3);
    }

    private static void WaitFor(Func<bool> condition) =>
        Assert.True(SpinWait.SpinUntil(condition, Patience), "timed out waiting for the refresh loop");
}
