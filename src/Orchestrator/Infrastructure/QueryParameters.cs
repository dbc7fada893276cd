using System.Globalization;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// Numeric and true/false query parameters are bound as text and parsed here, so `page=abc`, `pageSize=1e9` or
/// `includeArchived=maybe` is a problem naming the parameter and what it takes (a framework binding failure would be a bare 400).
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

    /// <summary>"true" or "false" (as sent by the clients); <paramref name="absent"/> when the parameter is left out.</summary>
    public static bool Bool(string? raw, string name, bool absent, ValidationErrors errors)
    {
        switch (raw)
        {
            case null: return absent;
            case "true": return true;
            case "false": return false;
            default:
                errors.Add(name, "must be true or false");
                return absent;
        }
    }
}
