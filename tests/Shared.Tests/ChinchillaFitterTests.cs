using Xunit.Abstractions;
using System.Diagnostics;
using ScaleLab.Scaling;

namespace ScaleLab.Shared.Tests;

public class ChinchillaFitterTests(ITestOutputHelper output)
{
    [Fact]
    public void Recovers_the_law_that_generated_the_points()
    {
        var points = Synthetic.Grid(Synthetic.Hoffmann, Synthetic.LogSpace(1e7, 1e10, 10), Synthetic.LogSpace(1e9, 1e12, 10), sigma: 0.005, seed: 1);

        var clock = Stopwatch.StartNew();
        var (law, _) = ChinchillaFitter.Fit(points);
        output.WriteLine($"{clock.ElapsedMilliseconds} ms: {law}");

        Assert.InRange(law.Alpha, 0.30, 0.38);
        Assert.InRange(law.Beta, 0.25, 0.31);
        Assert.InRange(law.E, 1.6, 1.78);
        Assert.InRange(law.NOptExponent, 0.41, 0.49);
    }
}
