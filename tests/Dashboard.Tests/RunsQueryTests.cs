using ScaleLab.Catalog;
using ScaleLab.Dashboard.Runs;

namespace ScaleLab.Dashboard.Tests;

/// <summary>The runs table's ticks, grouping, order and filter, and a comparison, survive their addresses; a selection holds at most 12 runs.</summary>
public class RunsQueryTests
{
    private static readonly Guid A = Guid.Parse("0191c9a0-0000-7000-8000-00000000000a"), B = Guid.Parse("0191c9a0-0000-7000-8000-00000000000b");

    [Fact]
    public void Run_ids_are_read_in_the_order_written_once_each_skipping_what_is_no_id() =>
        Assert.Equal([B, A], RunsQuery.Ids($" {B}, x ,{A},{B},,"));

    [Fact]
    public void Links_write_what_the_pages_read_back()
    {
        Assert.Equal($"compare?runs={B},{A}", RunsQuery.Compare([B, A]));
        Assert.Equal($"sweeps/{A}?groupBy=learningRate&selected={B},{A}", RunsQuery.Sweep(A, "learningRate", [B, A]));
        Assert.Equal($"sweeps/{A}", RunsQuery.Sweep(A, null, []));
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x/" + RunsQuery.Sweep(A, "a b&c", [B])).Query);
        Assert.Equal("a b&c", query["groupBy"]);
        Assert.Equal([B], RunsQuery.Ids(query["selected"]));
    }

    [Fact]
    public void The_order_and_the_filter_are_written_so_the_page_reads_them_back()
    {
        var address = RunsQuery.Sweep(A, "mixer", [B], new RunSort("dModel", Descending: true), "mixer=gla loss<3.5 \"C=3E+14, N\" dModel>=1e2");

        Assert.Equal($"sweeps/{A}?groupBy=mixer&selected={B}&sort=-dModel&filter=mixer%3Dgla%20loss%3C3.5%20%22C%3D3E%2B14%2C%20N%22%20dModel%3E%3D1e2", address);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x/" + address).Query);
        Assert.Equal(new RunSort("dModel", true), RunSort.Parse(query["sort"]));
        Assert.Equal("mixer=gla loss<3.5 \"C=3E+14, N\" dModel>=1e2", query["filter"]);
        Assert.Equal($"sweeps/{A}?sort=loss", RunsQuery.Sweep(A, null, [], new RunSort("loss", false), "  "));
    }

    [Fact]
    public void A_selection_refuses_a_thirteenth_run_and_takes_one_again_once_another_is_unticked()
    {
        var runs = Enumerable.Range(0, RunComparison.MaxRuns + 1).Select(_ => Guid.NewGuid()).ToList();
        var selection = new RunSelection();

        Assert.All(runs.Take(RunComparison.MaxRuns), r => Assert.True(selection.Toggle(r)));
        Assert.True(selection.IsFull);
        Assert.False(selection.Toggle(runs[^1]));
        Assert.DoesNotContain(runs[^1], selection.Ids);
        Assert.NotNull(selection.Limit);
        Assert.True(selection.Toggle(runs[0]));                      // unticked
        Assert.Null(selection.Limit);
        Assert.True(selection.Toggle(runs[^1]));
        Assert.Equal([.. runs.Skip(1)], selection.Ids);
    }

    [Fact]
    public void A_selection_from_an_address_keeps_at_most_twelve_runs_once_each()
    {
        var runs = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        Assert.Equal(runs.Take(RunComparison.MaxRuns), new RunSelection([runs[0], .. runs]).Ids);
        Assert.False(new RunSelection([A]).CanCompare);
        Assert.True(new RunSelection([A, B]).CanCompare);
    }
}
