namespace ScaleLab.Dashboard.Runs;

/// <summary>The runs table's order: by a field (<see cref="RunFields"/>), ascending or descending; in an address <c>loss</c> or <c>-loss</c>.</summary>
public readonly record struct RunSort(string Field, bool Descending)
{
    public override string ToString() => (Descending ? "-" : "") + Field;

    /// <summary>The order an address writes; null for none.</summary>
    public static RunSort? Parse(string? text)
    {
        var t = text?.Trim() ?? "";
        var descending = t.StartsWith('-');
        var field = descending ? t[1..].Trim() : t;
        return field.Length == 0 ? null : new RunSort(field, descending);
    }
}
