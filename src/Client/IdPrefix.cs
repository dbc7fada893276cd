namespace ScaleLab.Client;

/// <summary>
/// A sweep, run or schedule id as people type it: the whole id, or (as git takes a commit) a prefix of at least
/// <see cref="MinDigits"/> of its hex digits, with or without dashes. Lists print <see cref="Short"/> ids, which are
/// such prefixes; which id a prefix names is asked of the API (<see cref="ScaleLabApi.FindSweepsAsync"/>).
/// </summary>
public sealed record IdPrefix
{
    /// <summary>The API's rule for an id prefix (<see cref="Catalog.IdRange"/>): what the CLI takes, it can look up.</summary>
    public const int MinDigits = Catalog.IdRange.MinDigits, ShortDigits = 8;

    /// <summary>How to give one, for messages and help.</summary>
    public const string Rule = "the full id, or at least 6 of its leading hex digits";

    private IdPrefix(string digits) => Digits = digits;

    /// <summary>The hex digits given, lower case, without dashes.</summary>
    public string Digits { get; }

    /// <summary>The id itself when all of it was given; such an id needs no lookup.</summary>
    public Guid? Full => Digits.Length == 32 ? Guid.ParseExact(Digits, "N") : null;

    public bool Matches(Guid id) => id.ToString("N").StartsWith(Digits, StringComparison.Ordinal);

    /// <summary>The id as lists print it: its first <paramref name="digits"/> hex digits (<see cref="DistinctDigits"/>).</summary>
    public static string Short(Guid id, int digits = ShortDigits) => id.ToString("N")[..digits];

    /// <summary>The prefix <paramref name="text"/> gives, or null when it is not one (<see cref="Rule"/>).</summary>
    public static IdPrefix? Parse(string? text)
    {
        if (Guid.TryParse(text, out var id)) return new IdPrefix(id.ToString("N"));
        var digits = (text ?? "").Replace("-", "").ToLowerInvariant();
        return digits.Length is >= MinDigits and < 32 && digits.All(char.IsAsciiHexDigit) ? new IdPrefix(digits) : null;
    }

    /// <summary>
    /// The fewest leading digits, at least <see cref="ShortDigits"/>, that tell these ids apart, as git lengthens a
    /// short hash: a list prints its ids this long, so each can be typed back. Sweep ids are time-ordered (UUIDv7, the
    /// first 12 digits are the creation time in ms), so those of sweeps created within about a minute share 8 digits.
    /// </summary>
    public static int DistinctDigits(IEnumerable<Guid> ids)
    {
        var hex = ids.Distinct().Select(i => i.ToString("N")).ToList();
        for (var length = ShortDigits; length < 32; length++)
            if (hex.Select(h => h[..length]).Distinct(StringComparer.Ordinal).Count() == hex.Count) return length;
        return 32;
    }

    public override string ToString() => Digits;
}
