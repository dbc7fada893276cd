using ScaleLab.Dashboard.Components.Charts;

namespace ScaleLab.Dashboard.Tests;

public class ChartCsvTests
{
    [Fact]
    public void Writes_every_point_of_every_series_in_long_form_with_band_edges()
    {
        var csv = ChartCsv.Write(
        [
            new ChartSeries("runs", [1e15, 2e15], [3.5, 3.25], SeriesKind.Markers) { Labels = ["N=1E+06", "N=2E+06"] },
            new ChartSeries("band", [1e15], [3.0], SeriesKind.Band) { Upper = [3.75] },
        ], "compute", "loss");

        Assert.Equal(
            "series,compute,loss,upper,label\n" +
            "runs,1000000000000000,3.5,,N=1E+06\n" +
            "runs,2000000000000000,3.25,,N=2E+06\n" +
            "band,1000000000000000,3,3.75,\n", csv);
    }

    [Fact]
    public void Quotes_names_with_commas_and_defuses_spreadsheet_formulas()
    {
        var csv = ChartCsv.Write([new ChartSeries("=HYPERLINK(\"x\"), evil", [1], [2])], "step", "loss");

        Assert.Contains("\"'=HYPERLINK(\"\"x\"\"), evil\",1,2,,", csv);
    }
}
