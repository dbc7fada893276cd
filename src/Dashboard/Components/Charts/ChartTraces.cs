using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace ScaleLab.Dashboard.Components.Charts;

/// <summary>Turns library-neutral series into Plotly scatter traces (SVG, or WebGL for many markers).</summary>
public static class ChartTraces
{
    /// <summary>
    /// Above this many markers in a chart, it is drawn with WebGL (scattergl): SVG draws each marker as an element of
    /// its own, but a line as one path however many points it has.
    /// </summary>
    public const int WebGlMarkers = 2000;

    /// <summary>
    /// Lines alone switch to WebGL only above this many points, past every page's point budget (the sweep page draws at
    /// most 20,000). Starting WebGL costs seconds where the browser renders it in software (no GPU: headless browsers,
    /// VMs, remote desktops), and SVG draws such lines as fast (docs/benchmarks.md, the 1,000-run sweep page).
    /// </summary>
    public const int WebGlPoints = 100_000;

    /// <summary>
    /// Above this many line series (a 1,000-run sweep), lines of the same colour are drawn as one trace with gaps:
    /// Plotly's cost is per trace (measured: 1,000 traces take seconds to send and draw, ten take a fraction).
    /// </summary>
    public const int MergeAbove = 50;

    /// <summary>The series as drawn: merged by colour when there are too many lines for one trace each.</summary>
    private static IReadOnlyList<ChartSeries> Drawn(IReadOnlyList<ChartSeries> series) =>
        series.Count > MergeAbove && series.All(s => s.Kind == SeriesKind.Line) ? MergeByColour(series) : series;

    /// <summary>Per trace of <see cref="Build"/>, in its order, where clicking each point goes (null: nowhere).</summary>
    public static IReadOnlyList<IReadOnlyList<string?>?> Links(IReadOnlyList<ChartSeries> series) =>
        Drawn(series).SelectMany(s => s.Kind == SeriesKind.Band ? new IReadOnlyList<string?>?[] { null, null } : [s.Links]).ToList();

    public static IList<ITrace> Build(IReadOnlyList<ChartSeries> series)
    {
        series = Drawn(series);
        var webGl = series.Where(s => s.Kind is SeriesKind.Markers or SeriesKind.LinesAndMarkers).Sum(s => s.X.Count) > WebGlMarkers
            || series.Sum(s => s.X.Count) > WebGlPoints;
        var traces = new List<ITrace>();
        foreach (var s in series)
        {
            if (s.Kind == SeriesKind.Band)
            {
                // A band is two traces: the upper edge, then the lower edge filled up to it.
                traces.Add(new Scatter
                {
                    Name = s.Name, LegendGroup = s.Name, ShowLegend = false, Mode = ModeFlag.Lines, HoverInfo = HoverInfoFlag.Skip,
                    X = Objects(s.X), Y = Objects(s.Upper ?? s.Y), Line = new Line { Width = 0, Color = ChartPalette.Solid(s.Color) },
                });
                traces.Add(new Scatter
                {
                    Name = s.Name, LegendGroup = s.Name, ShowLegend = s.ShowInLegend, Mode = ModeFlag.Lines, HoverInfo = HoverInfoFlag.Skip,
                    X = Objects(s.X), Y = Objects(s.Y), Fill = FillEnum.ToNextY, FillColor = ChartPalette.Translucent(s.Color),
                    Line = new Line { Width = 0, Color = ChartPalette.Solid(s.Color) },
                });
                continue;
            }
            var mode = s.Kind switch { SeriesKind.Markers => ModeFlag.Markers, SeriesKind.LinesAndMarkers => ModeFlag.Lines | ModeFlag.Markers, _ => ModeFlag.Lines };
            var line = new Line { Color = ChartPalette.Solid(s.Color), Width = 2, Dash = s.Dashed ? "dash" : "solid" };
            var marker = new Marker { Color = ChartPalette.Solid(s.Color), Size = 7 };
            traces.Add(webGl
                ? new ScatterGl
                {
                    Name = s.Name, ShowLegend = s.ShowInLegend, X = Objects(s.X), Y = Objects(s.Y), TextArray = s.Labels?.ToList(),
                    Mode = (Plotly.Blazor.Traces.ScatterGlLib.ModeFlag)(int)mode,
                    Line = new Plotly.Blazor.Traces.ScatterGlLib.Line { Color = ChartPalette.Solid(s.Color), Width = 1.5m },
                    Marker = new Plotly.Blazor.Traces.ScatterGlLib.Marker { Color = ChartPalette.Solid(s.Color), Size = 6 },
                }
                : new Scatter
                {
                    Name = s.Name, ShowLegend = s.ShowInLegend, X = Objects(s.X), Y = Objects(s.Y), TextArray = s.Labels?.ToList(),
                    Mode = mode, Line = line, Marker = marker,
                });
        }
        return traces;
    }

    /// <summary>
    /// One series per palette colour, each run separated from the next by a gap; hover still names the run. Runs
    /// coloured by a field's value share its name, which stays the merged series' legend entry.
    /// </summary>
    public static IReadOnlyList<ChartSeries> MergeByColour(IReadOnlyList<ChartSeries> series) =>
        series.GroupBy(s => s.Color % ChartPalette.Count).Select(g =>
        {
            List<double> x = [], y = [];
            List<string> labels = [];
            List<string?> links = [];
            foreach (var s in g)
            {
                x.AddRange(s.X);
                y.AddRange(s.Y);
                labels.AddRange(s.Labels ?? Enumerable.Repeat(s.Name, s.X.Count));
                links.AddRange(s.Links ?? Enumerable.Repeat<string?>(null, s.X.Count));
                x.Add(double.NaN); // the gap between this run and the next
                y.Add(double.NaN);
                labels.Add("");
                links.Add(null);
            }
            var group = g.Select(s => s.Name).Distinct().Count() == 1 && g.Any(s => s.ShowInLegend);
            return new ChartSeries(group ? g.First().Name : $"{g.Count()} runs", x, y) { Color = g.Key, Labels = labels, ShowInLegend = group, Links = links };
        }).ToList();

    /// <summary>Non-finite values (a degenerate fit's NaN) become gaps: JSON and Plotly have no NaN.</summary>
    private static IList<object> Objects(IReadOnlyList<double> values) => values.Select(v => double.IsFinite(v) ? (object)v : null!).ToList();
}
