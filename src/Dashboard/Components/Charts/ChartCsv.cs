using System.Text;
using static ScaleLab.Dashboard.Csv;

namespace ScaleLab.Dashboard.Components.Charts;

/// <summary>A chart's data as CSV in long form (series, x, y, and the band's upper edge and label where present), for spreadsheets and pandas.</summary>
public static class ChartCsv
{
    public static string Write(IReadOnlyList<ChartSeries> series, string xName, string yName)
    {
        var csv = new StringBuilder();
        csv.Append("series,").Append(Quote(xName)).Append(',').Append(Quote(yName)).Append(",upper,label\n");
        foreach (var s in series)
            for (var i = 0; i < s.X.Count; i++)
            {
                csv.Append(Quote(s.Name)).Append(',').Append(Number(s.X[i])).Append(',').Append(Number(s.Y[i])).Append(',')
                    .Append(s.Upper is { } upper ? Number(upper[i]) : "").Append(',')
                    .Append(s.Labels is { } labels ? Quote(labels[i]) : "").Append('\n');
            }
        return csv.ToString();
    }
}
