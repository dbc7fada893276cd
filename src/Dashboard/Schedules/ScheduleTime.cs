using System.Globalization;

namespace ScaleLab.Dashboard.Schedules;

/// <summary>
/// A firing time as the schedule's author wrote it: in the schedule's own time zone, with UTC beside it (a 03:00
/// Europe/Berlin schedule fires at 02:00 UTC in winter and 01:00 UTC in summer).
/// </summary>
public static class ScheduleTime
{
    public static string Format(DateTimeOffset at, string timeZone)
    {
        var utc = at.ToUniversalTime();
        if (timeZone is "UTC" or "Etc/UTC" || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone))
            return utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var local = TimeZoneInfo.ConvertTime(utc, zone);
        return string.Create(CultureInfo.InvariantCulture, $"{local:yyyy-MM-dd HH:mm} {timeZone} ({utc:HH:mm} UTC)");
    }
}
