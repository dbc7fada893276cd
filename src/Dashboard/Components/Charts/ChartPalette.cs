namespace ScaleLab.Dashboard.Components.Charts;

/// <summary>
/// Twenty colours before they cycle: Plotly's own ten (D3's category10), then their lighter partners from category20,
/// so a sweep of up to twenty runs draws each in a colour of its own. Bands are drawn translucent in their line's colour.
/// </summary>
public static class ChartPalette
{
    private static readonly (int R, int G, int B)[] Colors =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
        (174, 199, 232), (255, 187, 120), (152, 223, 138), (255, 152, 150), (197, 176, 213),
        (196, 156, 148), (247, 182, 210), (199, 199, 199), (219, 219, 141), (158, 218, 229),
    ];

    public static int Count => Colors.Length;

    public static string Solid(int index) => Rgba(index, 1);

    public static string Translucent(int index) => Rgba(index, 0.2);

    private static string Rgba(int index, double alpha)
    {
        var (r, g, b) = Colors[((index % Colors.Length) + Colors.Length) % Colors.Length];
        return FormattableString.Invariant($"rgba({r},{g},{b},{alpha})");
    }
}
