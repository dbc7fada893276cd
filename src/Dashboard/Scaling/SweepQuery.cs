namespace ScaleLab.Dashboard.Scaling;

/// <summary>The sweeps named in a page's address (?sweeps=ID,ID), so a fit or a comparison can be linked to.</summary>
public static class SweepQuery
{
    public static IReadOnlySet<Guid> Ids(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();
}
