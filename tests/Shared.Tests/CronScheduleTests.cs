using ScaleLab.Schedules;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

/// <summary>Whether a cron is accepted depends on the expression alone, not on the day it is checked.</summary>
public class CronScheduleTests
{
    private static (bool Accepted, string Errors) Check(string cron, string? zone = null)
    {
        var errors = new ValidationErrors();
        var expression = CronSchedule.Parse(cron, zone, errors, out _);
        return (expression is not null, string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value.Select(m => $"{e.Key} {m}"))));
    }

    [Theory]
    [InlineData("0 3 * * *", "Europe/Berlin")]
    [InlineData("*/10 * * * * *", null)] // every 10 s, the shortest allowed
    [InlineData("0 0 29 2 *", null)] // a leap day: more than 400 days away on most days of a 4-year cycle
    [InlineData("0 0 29 2 1", null)] // a leap day that is a Monday: once in 28 years
    public void Expressions_that_fire_are_accepted(string cron, string? zone)
    {
        var (accepted, errors) = Check(cron, zone);

        Assert.True(accepted, errors);
        Assert.Equal("", errors);
    }

    [Theory]
    [InlineData("0 0 30 2 *", "cron never fires")]
    [InlineData("*/5 * * * * *", "cron fires more often than every 10 seconds")]
    [InlineData("0 3 * *", "cron has 4 fields")]
    [InlineData("61 * * * *", "cron is not a valid cron expression")]
    public void Expressions_that_cannot_run_are_refused_naming_the_field(string cron, string expected)
    {
        var (accepted, errors) = Check(cron);

        Assert.False(accepted);
        Assert.StartsWith(expected, errors);
    }

    [Fact]
    public void An_unknown_zone_is_named()
    {
        var (_, errors) = Check("0 3 * * *", "Mars/Olympus");

        Assert.StartsWith("timeZone unknown time zone 'Mars/Olympus'", errors);
    }
}
