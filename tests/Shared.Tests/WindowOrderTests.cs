using ScaleLab.Datasets;

namespace ScaleLab.Shared.Tests;

public class WindowOrderTests
{
    [Theory]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(7L)]
    [InlineData(1000L)]
    [InlineData(65_537L)]
    public void Permute_is_a_bijection_of_its_range(long n)
    {
        var seen = new bool[n];
        for (long i = 0; i < n; i++)
        {
            var j = WindowOrder.Permute(i, n, key: 12345);
            Assert.InRange(j, 0, n - 1);
            Assert.False(seen[j], $"{j} reached twice");
            seen[j] = true;
        }
    }

    [Fact]
    public void Every_epoch_reads_every_window_once_in_its_own_order()
    {
        var order = new WindowOrder(Tokens: 10_000, SeqLen: 64, Seed: 3);
        var windows = order.Windows;
        Assert.Equal((10_000 - 64) / 64, windows);
        var epochs = Enumerable.Range(0, 3).Select(e => Enumerable.Range(0, (int)windows).Select(k => order.Start(e * windows + k)).ToArray()).ToArray();
        foreach (var starts in epochs)
        {
            var offset = starts[0] % 64;
            Assert.All(starts, s => Assert.Equal(offset, s % 64));                      // one grid per epoch
            Assert.Equal(windows, starts.Distinct().Count());                            // no window twice
            Assert.All(starts, s => Assert.InRange(s, 0, 10_000 - 65));                  // input and target fit
        }
        Assert.NotEqual(epochs[0], epochs[1]);
        Assert.Equal(epochs[1], Enumerable.Range(0, (int)windows).Select(k => order.Start(windows + k)).ToArray());   // a pure function
    }

    [Fact]
    public void Epochs_count_sequences_against_the_windows_of_the_split()
    {
        var order = new WindowOrder(Tokens: 1_000_064, SeqLen: 64, Seed: 0);
        Assert.Equal(15_625, order.Windows);
        Assert.Equal(4.0, order.Epochs(4 * 15_625));
        Assert.Equal(0.5, order.Epochs(7_812), 3);
        Assert.Equal(double.PositiveInfinity, new WindowOrder(64, 64, 0).Epochs(1));
    }
}
