using System.Globalization;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// Numeric query parameters are bound as text and parsed here, so `page=abc` or `pageSize=1e9` is a problem naming
/// the parameter and its range (a framework binding failure would be a bare 400).
/// </summary>
public static class QueryParameters
{
    public static int? Int(string? raw, string name, int min, int max, ValidationErrors errors)
    {
        if (raw is null) return null;
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors.Add(name, $"must be a whole number between {min} and {max}");
        return null;
    }
}
