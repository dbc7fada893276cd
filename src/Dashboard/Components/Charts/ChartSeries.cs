namespace ScaleLab.Dashboard.Components.Charts;

public enum SeriesKind
{
    Line,
    Markers,
    LinesAndMarkers,
    /// <summary>A shaded interval: <see cref="ChartSeries.Y"/> is the lower edge, <see cref="ChartSeries.Upper"/> the upper.</summary>
    Band,
}

/// <summary>
/// One named series of a chart, independent of the charting library: what the page computes, what the CSV export
/// writes and what <see cref="ChartTraces"/> turns into Plotly traces. Series with the same <see cref="Color"/>
/// (a palette index) belong together: a fit, its band and its points.
/// </summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, SeriesKind Kind = SeriesKind.Line)
{
    public int Color { get; init; }
    public IReadOnlyList<double>? Upper { get; init; }
    public bool Dashed { get; init; }
    public bool ShowInLegend { get; init; } = true;
    /// <summary>Hover text per point (e.g. the run's name), shown beside the values.</summary>
    public IReadOnlyList<string>? Labels { get; init; }
    /// <summary>Where clicking each point goes (e.g. its run's page); null points go nowhere.</summary>
    public IReadOnlyList<string?>? Links { get; init; }
}
