using ScaleLab.Catalog;

namespace ScaleLab.Dashboard.Runs;

/// <summary>A row of a sweep's runs table: a run, or the header of a group of runs (which may be collapsed).</summary>
public abstract record RunTableRow
{
    public sealed record OfRun(RunSummary Run) : RunTableRow;

    public sealed record OfGroup(RunGroup Group, bool Collapsed) : RunTableRow;
}
