using ScaleLab.Catalog;

namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// The runs ticked in a runs table, in the order ticked, at most <see cref="RunComparison.MaxRuns"/>. It holds run ids,
/// not rows, so a selection outlives any sort, filter or grouping of the table.
/// </summary>
public sealed class RunSelection(IEnumerable<Guid> ids)
{
    private readonly List<Guid> ids = [.. ids.Distinct().Take(RunComparison.MaxRuns)];

    public RunSelection() : this([]) { }

    public IReadOnlyList<Guid> Ids => ids;

    public int Count => ids.Count;

    /// <summary>As many runs as are compared at once: another cannot be ticked until one is unticked.</summary>
    public bool IsFull => ids.Count >= RunComparison.MaxRuns;

    /// <summary>Enough runs to compare (two).</summary>
    public bool CanCompare => ids.Count >= 2;

    public bool Contains(Guid id) => ids.Contains(id);

    /// <summary>Ticks or unticks a run; false when it could not be ticked because the selection is full.</summary>
    public bool Toggle(Guid id)
    {
        if (ids.Remove(id)) return true;
        if (IsFull) return false;
        ids.Add(id);
        return true;
    }

    public void Clear() => ids.Clear();

    /// <summary>Why no more runs can be ticked, when the selection is full; else null.</summary>
    public string? Limit => IsFull ? $"{RunComparison.MaxRuns} runs selected, the most compared at once: untick one to pick another." : null;
}
