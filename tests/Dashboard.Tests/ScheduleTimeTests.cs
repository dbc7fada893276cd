using ScaleLab.Dashboard.Schedules;

namespace ScaleLab.Dashboard.Tests;

public class ScheduleTimeTests
{
    [Theory]
    [InlineData("2026-12-02T02:00:00Z", "Europe/Berlin", "2026-12-02 03:00 Europe/Berlin (02:00 UTC)")]    // winter, UTC+1
    [InlineData("2026-07-01T01:00:00Z", "Europe/Berlin", "2026-07-01 03:00 Europe/Berlin (01:00 UTC)")]    // summer, UTC+2
    [InlineData("2026-12-02T03:00:00+01:00", "Europe/Berlin", "2026-12-02 03:00 Europe/Berlin (02:00 UTC)")] // an offset as sent
    [InlineData("2026-12-02T03:00:00Z", "UTC", "2026-12-02 03:00 UTC")]
    [InlineData("2026-12-02T03:00:00+01:00", "UTC", "2026-12-02 02:00 UTC")]
    public void A_firing_is_shown_in_the_schedules_own_time_zone_with_utc_beside_it(string at, string zone, string expected) =>
        Assert.Equal(expected, ScheduleTime.Format(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), zone));
}
