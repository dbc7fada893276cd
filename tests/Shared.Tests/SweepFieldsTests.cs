using ScaleLab.Catalog;

namespace ScaleLab.Shared.Tests;

/// <summary>The config fields a sweep's runs differ in: what a chart can colour them by.</summary>
public class SweepFieldsTests
{
    [Fact]
    public void Only_fields_that_differ_are_named_with_each_runs_value_as_text()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var fields = SweepFields.Of(
        [
            (a, """{"dModel":64,"mixer":"gla","seed":1,"learningRate":0.003,"axes":{"x":1}}"""),
            (b, """{"dModel":128,"mixer":"gla","seed":1,"learningRate":0.003,"shortConv":3}"""),
            (c, """{"dModel":256,"mixer":"softmax","seed":1,"learningRate":0.001}"""),
        ]);

        Assert.Equal(["dModel", "learningRate", "mixer", "shortConv"], fields.Names);   // seed and the object are not fields to colour by
        Assert.Equal(["64", "0.003", "gla", SweepFields.Missing], fields.Values[a]);
        Assert.Equal(["128", "0.003", "gla", "3"], fields.Values[b]);
        Assert.Equal(["256", "0.001", "softmax", SweepFields.Missing], fields.Values[c]);
    }

    [Fact]
    public void One_run_or_identical_runs_vary_in_nothing()
    {
        Assert.Empty(SweepFields.Of([(Guid.NewGuid(), """{"dModel":64}""")]).Names);
        Assert.Empty(SweepFields.Of([(Guid.NewGuid(), """{"dModel":64}"""), (Guid.NewGuid(), """{"dModel":64}""")]).Names);
        Assert.Empty(SweepFields.Of([]).Names);
    }
}
