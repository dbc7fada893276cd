using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class SweepExpansionTests
{
    private static readonly Guid SweepId = Guid.Parse("0197a000-0000-7000-8000-000000000001");

    private static (IReadOnlyList<PlannedRun>? Runs, ValidationErrors Errors) Expand(string json, SweepLimits? limits = null)
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(json, errors);
        var runs = spec is null ? null : SweepExpander.Expand(SweepId, spec, limits ?? SweepLimits.Default, errors);
        return (runs, errors);
    }

    [Fact]
    public void Grid_expands_to_the_cartesian_product_of_its_axes()
    {
        var (runs, errors) = Expand("""{"name":"g","base":{"nHeads":4},"axes":{"dModel":[64,128],"tokens":[100000,200000,400000]}}""");

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(6, runs!.Count);
        Assert.Equal(new[] { 64, 64, 64, 128, 128, 128 }, runs.Select(r => r.Config.DModel));
        Assert.Equal(new long[] { 100000, 200000, 400000, 100000, 200000, 400000 }, runs.Select(r => r.Config.Tokens));
        Assert.Equal("dModel=128, tokens=200000", runs[4].Name);
    }

    [Fact]
    public void Run_ids_derive_from_sweep_and_hyper_parameters()
    {
        const string spec = """{"name":"g","axes":{"dModel":[64,128]}}""";
        var first = Expand(spec).Runs!.Select(r => r.RunId).ToList();
        var second = Expand(spec).Runs!.Select(r => r.RunId).ToList();

        Assert.Equal(first, second);
        Assert.Equal(2, first.Distinct().Count());
    }

    [Theory]
    [InlineData("""{"name":"g","axes":{"width":[1]}}""", "axes.width")]
    [InlineData("""{"name":"g","base":{"dModel":"big"}}""", "base.dModel")]
    [InlineData("""{"name":"g","base":{"learningRate":"NaN"}}""", "base.learningRate")]
    [InlineData("""{"name":"g","base":{"learningRate":-1}}""", "base.learningRate")]
    [InlineData("""{"name":"g","base":{"nHeads":4},"axes":{"dModel":[64,66]}}""", "axes.dModel[1]")]
    [InlineData("""{"name":"g","axes":{"dModel":[]}}""", "axes.dModel")]
    [InlineData("""{"name":"g","axes":{"dModel":[64,64]}}""", "axes.dModel")]
    [InlineData("""{"name":"g","kind":"bayesian"}""", "kind")]
    [InlineData("""{"kind":"grid"}""", "name")]
    [InlineData("""{"name":"../../etc/passwd"}""", "name")]
    [InlineData("""{"name":"g","extra":1}""", "extra")]
    [InlineData("""{"name":"g","base":{"tokens":10}}""", "base.tokens")]
    [InlineData("""{"name":"g","base":{"unknownField":1}}""", "base.unknownField")]
    [InlineData("""{"name": "g", """, "body")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("""{"name":"g","base":{"dModel":64,"dModel":128}}""", "body")]
    public void Invalid_spec_is_rejected_naming_the_field(string json, string field)
    {
        var (runs, errors) = Expand(json);

        Assert.Null(runs);
        Assert.Contains(field, errors.ToDictionary().Keys);
    }

    [Fact]
    public void A_billion_run_grid_is_refused_before_it_is_enumerated()
    {
        var values = string.Join(",", Enumerable.Range(1, 1000).Select(i => i * 8));
        var seqLens = string.Join(",", Enumerable.Range(8, 1000));
        var seeds = string.Join(",", Enumerable.Range(0, 1000));
        var json = "{\"name\":\"huge\",\"base\":{\"nHeads\":1},\"axes\":{\"dModel\":[" + values + "],\"seqLen\":[" + seqLens + "],\"seed\":[" + seeds + "]}}";

        var (runs, errors) = Expand(json);

        Assert.Null(runs);
        Assert.Contains("1E+9 runs", errors.ToDictionary()["axes"].Single());
    }

    [Fact]
    public void Total_flops_over_the_limit_is_refused()
    {
        var (runs, errors) = Expand("""{"name":"g","axes":{"tokens":[1000000,2000000]}}""", new SweepLimits(MaxTotalFlops: 1e9));

        Assert.Null(runs);
        Assert.StartsWith("the sweep needs", errors.ToDictionary()["axes"].Single());
    }

    [Fact]
    public void A_dataset_block_reaches_every_run_and_is_checked_field_by_field()
    {
        var (runs, errors) = Expand("""{"name":"d","base":{"dataset":{"source":"/data/web","format":"jsonl","tokenizer":"cl100k"}},"axes":{"dModel":[64,128]}}""");
        Assert.True(errors.IsEmpty);
        Assert.All(runs!, r => Assert.Equal(new Datasets.DatasetSpec { Source = "/data/web", Format = "jsonl", Tokenizer = "cl100k" }, r.Config.Dataset));
        Assert.All(runs!, r => Assert.Equal(100_277, r.Config.VocabSize));

        var (_, bad) = Expand("""{"name":"d","base":{"task":"mqar","dataset":{"source":"","format":"csv"}},"axes":{"dModel":[64]}}""");
        var fields = bad.ToDictionary().Keys.ToList();
        Assert.Contains(fields, f => f.EndsWith("dataset", StringComparison.Ordinal));
        Assert.Contains(fields, f => f.EndsWith("dataset.source", StringComparison.Ordinal));
        Assert.Contains(fields, f => f.EndsWith("dataset.format", StringComparison.Ordinal));
    }

    [Fact]
    public void A_preview_warns_of_a_study_that_would_take_more_than_a_day()
    {
        var huge = SweepSpecParser.Parse("""{"name":"big","kind":"isoflop","isoflop":{"budgets":[1e20]}}""", new ValidationErrors())!;
        var (runs, errors) = Expand("""{"name":"big","kind":"isoflop","isoflop":{"budgets":[1e20]}}""");
        Assert.True(errors.IsEmpty, errors.ToString());

        var preview = SweepPreview.Of(huge, runs!, deviceFlopsPerSecond: 3e10, slots: 1);

        Assert.True(preview.EstimatedWallSeconds > SweepPreview.LongStudySeconds);
        var warning = Assert.Single(preview.Warnings);
        Assert.Contains($"{preview.EstimatedDeviceSeconds / 86_400:N0} device-days", warning);

        var (small, _) = Expand("""{"name":"g","base":{"nHeads":4},"axes":{"dModel":[64,128]}}""");
        Assert.Empty(SweepPreview.Of(huge, small!, 3e10, 1).Warnings);
    }
}
