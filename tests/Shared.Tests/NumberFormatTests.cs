using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

/// <summary>One way to write numbers for people and for papers.</summary>
public class NumberFormatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(0.34123, "0.3412")]
    [InlineData(1.69, "1.69")]
    [InlineData(406.4, "406.4")]
    [InlineData(9999.0, "9999")]
    [InlineData(12340.0, "1.234E+4")]
    [InlineData(99999.0, "1E+5")]
    [InlineData(1.234567e20, "1.235E+20")]
    [InlineData(-2.5e-4, "-2.5E-4")]
    [InlineData(double.NaN, "–")]
    public void Short_writes_four_digits_scientific_when_large_or_small(double value, string expected) =>
        Assert.Equal(expected, NumberFormat.Short(value));

    [Fact]
    public void An_estimate_carries_its_interval_and_a_missing_one_a_dash()
    {
        Assert.Equal("0.34 [0.33, 0.352]", NumberFormat.Short(new Estimate(0.34, 0.33, 0.352)));
        Assert.Equal("2E+20", NumberFormat.Short(new Estimate(2e20)));
        Assert.Equal("–", NumberFormat.Short((Estimate?)null));
        Assert.Equal("–", NumberFormat.Short(new Estimate(double.NaN, 1, 2)));
        Assert.Equal("–", NumberFormat.Short((double?)null));
    }

    [Fact]
    public void A_loss_has_four_decimals_and_a_missing_one_a_dash()
    {
        Assert.Equal("3.2841", NumberFormat.Loss(3.28414));
        Assert.Equal("12.0000", NumberFormat.Loss(12));
        Assert.Equal("–", NumberFormat.Loss(null));
        Assert.Equal("–", NumberFormat.Loss(double.NaN));
    }

    [Theory]
    [InlineData(0.3412, "0.3412")]
    [InlineData(1.234567e20, "1.235\\times10^{20}")]
    [InlineData(1e21, "10^{21}")]
    [InlineData(9.9996e20, "10^{21}")]   // rounds up into the next power
    [InlineData(-3e-5, "-3\\times10^{-5}")]
    public void Latex_writes_the_same_digits_as_powers_of_ten(double value, string expected) =>
        Assert.Equal(expected, NumberFormat.Latex(value));
}
