namespace ScaleLab.Scaling;

/// <summary>A row of a <see cref="LatexTable"/>: a cell (LaTeX) per column, or a section's title (LaTeX) across them all.</summary>
public abstract record LatexRow
{
    public sealed record Cells(IReadOnlyList<string> Values) : LatexRow;

    public sealed record Section(string Title) : LatexRow;
}
