using Microsoft.Extensions.Configuration;
using ScaleLab.Datasets;
using ScaleLab.Workers.Datasets;

namespace ScaleLab.Workers.Tests;

/// <summary>Where a data set may read from on a worker.</summary>
public class DatasetAccessTests
{
    private static IConfiguration Roots(params string[] roots) => new ConfigurationBuilder()
        .AddInMemoryCollection(roots.Select((r, i) => KeyValuePair.Create($"Datasets:Roots:{i}", (string?)r))).Build();

    [Theory]
    [InlineData("/data/corpus", true)]
    [InlineData("/data", true)]
    [InlineData("/data/../etc/passwd", false)]   // resolved before it is compared
    [InlineData("/database/x", false)]           // a prefix of the name is not the folder
    [InlineData("/etc/shadow", false)]
    public void Local_sources_must_lie_under_a_configured_root(string source, bool allowed)
    {
        var spec = new DatasetSpec { Source = source };
        var check = () => DatasetAccess.Check(spec, Roots("/data/", "/mnt/shared"));
        if (allowed) check();
        else Assert.Equal("dataset.source", Assert.Throws<DatasetException>(check).Field);
    }

    [Fact]
    public void Without_roots_any_absolute_path_is_read_but_never_the_stores_own_containers()
    {
        DatasetAccess.Check(new DatasetSpec { Source = "/anywhere/at/all" }, Roots());
        DatasetAccess.Check(new DatasetSpec { Source = "blob://corpora/web" }, Roots());
        Assert.Throws<DatasetException>(() => DatasetAccess.Check(new DatasetSpec { Source = "blob://checkpoints/runs" }, Roots()));
        Assert.Throws<DatasetException>(() => DatasetAccess.Check(new DatasetSpec { Source = "blob://datasets" }, Roots()));
    }

    [Theory]
    [InlineData("blob://c-1/a", "c-1", "a/")]
    [InlineData("blob://c-1/a/", "c-1", "a/")]
    [InlineData("blob://c-1/a/b", "c-1", "a/b/")]
    [InlineData("blob://c-1", "c-1", "")]
    [InlineData("blob://c-1/", "c-1", "")]
    public void A_blob_prefix_is_always_a_folder(string source, string container, string prefix) =>
        Assert.Equal((container, prefix), DatasetSources.SplitBlob(source));
}
