using Cronos;
using ScaleLab.Validation;

namespace ScaleLab.Schedules;

/// <summary>
/// Cron expressions of scheduled studies (Cronos): 5 fields, or 6 with seconds first, evaluated in a time zone.
/// A firing is identified by its scheduled time, the occurrence it stands for, so a retried firing names the same
/// study.
/// </summary>
public static class CronSchedule
{
    /// <summary>Studies are heavy: a schedule may not fire more often than this.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(10);

    public static CronExpression? Parse(string? cron, string? timeZone, ValidationErrors errors, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrEmpty(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone!))
        {
            errors.Add("timeZone", $"unknown time zone '{timeZone}' (use an IANA id such as Europe/Berlin, or UTC)");
            zone = TimeZoneInfo.Utc;
        }
        if (string.IsNullOrWhiteSpace(cron) || cron.Length > 200)
        {
            errors.Add("cron", "is required: 5 fields (minute hour day month weekday) or 6 with seconds first");
            return null;
        }
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            errors.Add("cron", $"has {fields} fields; expected 5 (minute hour day month weekday) or 6 with seconds first");
            return null;
        }
        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            errors.Add("cron", $"is not a valid cron expression: {ex.Message}");
            return null;
        }
        // Whether an expression is valid must not depend on when it is checked: look from a fixed instant over 30 years,
        // which holds every pattern a 5- or 6-field cron can make (a leap day on a given weekday recurs within 28).
        var upcoming = expression.GetOccurrences(ValidityWindowStart, ValidityWindowStart.AddYears(30), zone).Take(3).ToList();
        if (upcoming.Count == 0) errors.Add("cron", "never fires");
        else if (upcoming.Zip(upcoming.Skip(1)).Any(p => p.Second - p.First < MinimumInterval))
            errors.Add("cron", $"fires more often than every {MinimumInterval.TotalSeconds:0} seconds");
        return errors.IsEmpty ? expression : null;
    }

    private static readonly DateTime ValidityWindowStart = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The latest occurrence at or before <paramref name="utcNow"/>: the scheduled time a firing now stands for.</summary>
    public static DateTime? LatestAtOrBefore(CronExpression expression, DateTime utcNow, TimeZoneInfo zone)
    {
        // Look back over growing windows: a minutely schedule is found in the first, a yearly one within eleven.
        for (var window = TimeSpan.FromMinutes(2); window <= TimeSpan.FromDays(5 * 366); window *= 4)
        {
            DateTime? latest = null;
            foreach (var occurrence in expression.GetOccurrences(utcNow - window, utcNow, zone, fromInclusive: true, toInclusive: true))
                latest = occurrence;
            if (latest is not null) return latest;
        }
        return null;
    }

    /// <summary>The study name of a firing: the schedule's name and the scheduled time, within the 120-character limit.</summary>
    public static string StudyName(string scheduleName, DateTime scheduledFor)
    {
        var suffix = " " + scheduledFor.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        return scheduleName[..Math.Min(scheduleName.Length, 120 - suffix.Length)] + suffix;
    }
}
