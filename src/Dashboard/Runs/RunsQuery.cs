namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// The runs table's and the comparison's state in their addresses, as the Scaling and Ablations pages keep theirs
/// (<see cref="Scaling.SweepQuery"/>): a sweep page's grouping, ticked runs, order and filter
/// (sweeps/ID?groupBy=mixer&amp;selected=ID,ID&amp;sort=-dModel&amp;filter=loss%3C3.5) and the runs compared
/// (compare?runs=ID,ID), so either can be linked to and opens as it was shown.
/// </summary>
public static class RunsQuery
{
    /// <summary>The run ids of an address, in the order written, each once; a part that is no id is skipped.</summary>
    public static IReadOnlyList<Guid> Ids(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct()];

    /// <summary>The comparison of these runs, in this order (their columns' order).</summary>
    public static string Compare(IEnumerable<Guid> runs) => "compare?runs=" + string.Join(',', runs);

    /// <summary>
    /// A sweep page grouped by <paramref name="groupBy"/> with these runs ticked, its table in this order and filtered by
    /// this text (<see cref="RunFilter"/>); empty parts left out.
    /// </summary>
    public static string Sweep(Guid sweepId, string? groupBy, IEnumerable<Guid> selected, RunSort? sort = null, string? filter = null)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(groupBy)) parts.Add("groupBy=" + Uri.EscapeDataString(groupBy));
        var ids = string.Join(',', selected);
        if (ids.Length > 0) parts.Add("selected=" + ids);
        if (sort is { } s) parts.Add("sort=" + Uri.EscapeDataString(s.ToString()));
        if (!string.IsNullOrWhiteSpace(filter)) parts.Add("filter=" + Uri.EscapeDataString(filter));
        return $"sweeps/{sweepId}" + (parts.Count == 0 ? "" : "?" + string.Join('&', parts));
    }
}
