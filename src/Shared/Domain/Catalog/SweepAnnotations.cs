using System.Text.RegularExpressions;
using ScaleLab.Validation;

namespace ScaleLab.Catalog;

/// <summary>
/// What a researcher adds to a sweep after the fact (PATCH /api/sweeps/{id}): tags to find and group it, notes on what
/// it showed, and whether it is archived (hidden from lists and pickers, kept whole). Fields left out stay as they are.
/// </summary>
public sealed partial record SweepAnnotations(IReadOnlyList<string>? Tags = null, string? Notes = null, bool? Archived = null)
{
    public const int MaxTags = 20, MaxTagLength = 40, MaxNotesLength = 10_000;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]*\z")]
    private static partial Regex TagPattern();

    public const string TagRule = "must be 1-40 letters, digits, '.', '_', ':' and '-', starting with a letter or digit";

    public static bool IsValidTag(string? tag) => tag is { Length: > 0 and <= MaxTagLength } && TagPattern().IsMatch(tag);

    public void Validate(ValidationErrors errors)
    {
        if (Tags is null && Notes is null && Archived is null) errors.Add("body", "change at least one of tags, notes, archived");
        if (Tags is { Count: > MaxTags }) errors.Add("tags", $"at most {MaxTags} tags");
        else if (Tags is not null)
            for (var i = 0; i < Tags.Count; i++)
                if (!IsValidTag(Tags[i])) errors.Add($"tags[{i}]", TagRule);
        if (Notes is { Length: > MaxNotesLength }) errors.Add("notes", $"at most {MaxNotesLength} characters");
        else if (Notes is not null && Notes.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            errors.Add("notes", "must not contain control characters other than line breaks and tabs");
    }

    /// <summary>Tags as stored: each once, in the order first given.</summary>
    public static string[] Normalise(IReadOnlyList<string> tags) => [.. tags.Distinct(StringComparer.Ordinal)];
}
