namespace ScaleLab.Catalog;

/// <summary>
/// The ids that begin with a prefix of hex digits (git's short ids), as the closed range [<see cref="First"/>,
/// <see cref="Last"/>]: the prefix followed by all 0s, and by all fs. A uuid orders by its bytes in the order it is
/// written (PostgreSQL compares uuids so), so the ids in the range are exactly those that begin with the prefix, and a
/// database finds them by walking its index on the id instead of reading every row.
/// </summary>
public sealed record IdRange(Guid First, Guid Last)
{
    /// <summary>
    /// Fewer digits would name whole days of sweeps: a sweep id begins with its creation time in ms (UUIDv7), so 6
    /// digits already span 4.7 hours.
    /// </summary>
    public const int MinDigits = 6;

    public const int MaxDigits = 32;

    /// <summary>32 digits and the 4 dashes of the written form.</summary>
    public const int MaxLength = 36;

    public const string Rule = "must be 6 to 32 hex digits, the start of an id (dashes are ignored)";

    /// <summary>
    /// The range a prefix names, or null when it is none. Dashes are ignored wherever they stand, so a prefix copied
    /// from the written form (8-4-4-4-12) and one without dashes mean the same; digits are taken in either case.
    /// </summary>
    public static IdRange? Of(string? prefix)
    {
        if (prefix is null or { Length: > MaxLength }) return null;
        var digits = prefix.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (digits.Length is < MinDigits or > MaxDigits || !digits.All(char.IsAsciiHexDigit)) return null;
        return new IdRange(Guid.ParseExact(digits.PadRight(32, '0'), "N"), Guid.ParseExact(digits.PadRight(32, 'f'), "N"));
    }
}
