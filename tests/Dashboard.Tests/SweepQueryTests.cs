using ScaleLab.Dashboard.Scaling;
using ScaleLab.Scaling;

namespace ScaleLab.Dashboard.Tests;

/// <summary>An analysis page's state survives its address: what the link writes, the page reads back.</summary>
public class SweepQueryTests
{
    [Fact]
    public void A_link_round_trips_the_sweeps_and_options()
    {
        Guid a = Guid.Parse("0191c9a0-0000-7000-8000-000000000002"), b = Guid.Parse("0191c9a0-0000-7000-8000-000000000001");

        var link = SweepQuery.Link("ablations", [a, b], FitLaw.IsoFlop, "mixer", 500, " 1e15 ");

        Assert.Equal($"ablations?sweeps={b},{a}&law=isoflop&groupBy=mixer&bootstrap=500&compute=1e15", link);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x/" + link).Query);
        Assert.Equal(new HashSet<Guid> { a, b }, SweepQuery.Ids(query["sweeps"]));
        Assert.True(Enum.TryParse<FitLaw>(query["law"], ignoreCase: true, out var law) && law == FitLaw.IsoFlop);
        Assert.Equal(500, SweepQuery.Bootstrap(query["bootstrap"]));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("1000001")]
    [InlineData(null)]
    public void A_bootstrap_the_page_would_refuse_is_not_taken_from_the_address(string? text) => Assert.Null(SweepQuery.Bootstrap(text));

    [Fact]
    public void Empty_options_stay_out_of_the_link() =>
        Assert.Equal("scaling?sweeps=&law=chinchilla&bootstrap=0", SweepQuery.Link("scaling", [], FitLaw.Chinchilla, "", 0, null));
}
