namespace ScaleLab.Datasets;

/// <summary>The rule for a registered data set's name, shared by registration and by the runs that name one.</summary>
public static class DatasetNames
{
    public const int MaxLength = 64;

    public static bool IsValid(string? name) =>
        name is { Length: >= 1 and <= MaxLength } && char.IsAsciiLetterLower(name[0]) | char.IsAsciiDigit(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');

    public const string Rule = "must be 1-64 characters: lowercase letters, digits, '.', '_' and '-', starting with a letter or digit";
}
