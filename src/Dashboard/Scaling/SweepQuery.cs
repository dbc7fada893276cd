using System.Globalization;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Scaling;

/// <summary>
/// An analysis page's state in its address (?sweeps=ID,ID&amp;law=…&amp;groupBy=…&amp;bootstrap=…&amp;compute=…), so a fit or
/// a comparison can be linked to and opens as it was shown.
/// </summary>
public static class SweepQuery
{
    public static IReadOnlySet<Guid> Ids(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet();

    /// <summary>The page's address for this state; the sweeps in a stable order, empty parts left out.</summary>
    public static string Link(string page, IEnumerable<Guid> sweeps, FitLaw law, string? groupBy, int bootstrap, string? compute)
    {
        var parts = new List<string> { "sweeps=" + string.Join(',', sweeps.Order()), "law=" + law.ToString().ToLowerInvariant() };
        if (!string.IsNullOrEmpty(groupBy)) parts.Add("groupBy=" + Uri.EscapeDataString(groupBy));
        parts.Add("bootstrap=" + bootstrap.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(compute)) parts.Add("compute=" + Uri.EscapeDataString(compute.Trim()));
        return page + "?" + string.Join('&', parts);
    }

    /// <summary>The bootstrap count of an address, when it is a valid one.</summary>
    public static int? Bootstrap(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= ScaleLab.Catalog.ScalingQuery.MaxBootstrap ? n : null;
}
