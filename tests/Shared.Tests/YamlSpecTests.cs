using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class YamlSpecTests
{
    [Fact]
    public void A_yaml_spec_expands_to_the_same_runs_as_its_json_twin()
    {
        const string yaml = """
            name: isoflop-cpu
            kind: isoflop
            base: { seqLen: 64, batchSize: 8, learningRate: 3e-3, warmupSteps: 20 }
            isoflop:
              budgets: [3e11, 1e12, 3e12]
              sizesPerBudget: 5
            """;
        const string json = """
            {"name":"isoflop-cpu","kind":"isoflop","base":{"seqLen":64,"batchSize":8,"learningRate":0.003,"warmupSteps":20},
             "isoflop":{"budgets":[3e11,1e12,3e12],"sizesPerBudget":5}}
            """;
        var errors = new ValidationErrors();
        Assert.True(YamlSpec.LooksLikeYaml(yaml));
        Assert.False(YamlSpec.LooksLikeYaml(json));
        var fromYaml = SweepSpecParser.Parse(YamlSpec.ToJson(yaml, errors)!, errors);
        var fromJson = SweepSpecParser.Parse(json, errors);
        Assert.True(errors.IsEmpty, errors.ToString());

        var id = Guid.NewGuid();
        Assert.Equal(SweepExpander.Expand(id, fromJson!, SweepLimits.Default, errors)!.Select(r => r.RunId),
            SweepExpander.Expand(id, fromYaml!, SweepLimits.Default, errors)!.Select(r => r.RunId));
    }

    [Fact]
    public void An_isoflop_learning_rate_sweep_reads_the_same_from_yaml()
    {
        const string yaml = """
            name: iso-lr
            kind: isoflop
            isoflop:
              budgets: [1e13]
              sizes: [5e4, 2e5]
              learningRates: [1e-3, 3e-3, 1e-2]
            """;
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(YamlSpec.ToJson(yaml, errors)!, errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.NewGuid(), spec, SweepLimits.Default, errors);
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal([0.001, 0.003, 0.01], spec!.IsoFlop!.LearningRates);
        Assert.Equal(2 * 3, runs!.Count);
    }

    [Fact]
    public void The_shipped_mup_transfer_example_trains_both_parametrizations_at_both_widths_and_every_rate()
    {
        var errors = new ValidationErrors();
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "mup-transfer.yaml"));
        var spec = SweepSpecParser.Parse(YamlSpec.ToJson(text, errors)!, errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.NewGuid(), spec, SweepLimits.Default, errors);
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(2 * 2 * 8, runs!.Count);
        Assert.Equal(16, runs.Count(r => r.Config is { Parametrization: "mup", MupBaseWidth: 32 }));
        // The arms a comparison at the best rate reads: each (parametrization, width), its 8 rates.
        Assert.Equal(4, ScaleLab.Analysis.ArmComparison.ArmLabels(runs.Select(r => r.Config).ToList()).Distinct().Count());
    }

    [Fact]
    public void The_shipped_yaml_example_is_a_valid_spec()
    {
        var errors = new ValidationErrors();
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "ablation-mixers.yaml"));
        var spec = SweepSpecParser.Parse(YamlSpec.ToJson(text, errors)!, errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.NewGuid(), spec, SweepLimits.Default, errors);
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(5 * 3 * 2, runs!.Count);                       // 5 arms x 3 rates x 2 seeds
        Assert.Equal(new EarlyStopping("val_loss", "min", 3, 100), spec!.EarlyStopping);
    }

    [Theory]
    [InlineData("name: x\nname: y\n", "has the key 'name' twice")]
    [InlineData("name: [unclosed\n", "not valid YAML")]
    [InlineData("a: 1\n---\nb: 2\n", "one YAML document")]
    public void Bad_yaml_is_refused_with_a_reason(string yaml, string reason)
    {
        var errors = new ValidationErrors();
        Assert.Null(YamlSpec.ToJson(yaml, errors));
        Assert.Contains(reason, errors.ToDictionary()["body"][0]);
    }

    [Fact]
    public void Quoted_scalars_stay_strings_and_plain_ones_take_their_type()
    {
        var errors = new ValidationErrors();
        Assert.Equal("""{"a":"1e3","b":1000,"c":true,"d":null,"e":"text","f":0.5}""",
            YamlSpec.ToJson("a: \"1e3\"\nb: 1e3\nc: true\nd: ~\ne: text\nf: .5\n", errors));
    }

    [Theory]
    [InlineData("[", "]")]          // flow sequences: 60 KB
    [InlineData("{a: ", "}")]       // flow mappings
    public void Thirty_thousand_nested_flow_levels_are_refused_at_the_depth_limit(string open, string close)
    {
        var yaml = "name: " + string.Concat(Enumerable.Repeat(open, 30_000)) + string.Concat(Enumerable.Repeat(close, 30_000));
        var errors = new ValidationErrors();
        Assert.Null(YamlSpec.ToJson(yaml, errors));
        Assert.Contains($"nests deeper than {YamlSpec.MaxDepth} levels", errors.ToString());
    }

    [Fact]
    public void Thirty_thousand_nested_block_sequences_are_refused_at_the_depth_limit()
    {
        var errors = new ValidationErrors();
        Assert.Null(YamlSpec.ToJson(string.Concat(Enumerable.Repeat("- ", 30_000)) + "x\n", errors));
        Assert.Contains("nests deeper", errors.ToString());
    }

    [Theory]
    [InlineData("[x, x, x, x, x, x, x, x, x, x]")] // ten scalars
    [InlineData("[]")]                             // an empty list: a node too, or nine levels of copies would count as nothing
    [InlineData("{}")]
    public void A_billion_laughs_is_refused_before_it_expands(string leaf)
    {
        // Nine levels of ten aliases each: 10^9 nodes from a body of a few hundred bytes.
        var yaml = $"a0: &a0 {leaf}\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));
        Assert.True(yaml.Length < 1024, $"{yaml.Length} bytes");
        var errors = new ValidationErrors();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(YamlSpec.ToJson(yaml, errors));
        Assert.Contains($"more than {YamlSpec.MaxNodes:N0} values", errors.ToString());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 100L << 20, $"{allocated:N0} bytes allocated before refusing"); // at most the 200,000 values the limit allows
    }

    [Fact]
    public void An_alias_copies_its_anchor_within_the_limits()
    {
        var errors = new ValidationErrors();
        Assert.Equal("""{"base":{"seqLen":64,"batchSize":8},"copy":{"seqLen":64,"batchSize":8},"keys":["k"],"k":1}""",
            YamlSpec.ToJson("base: &b {seqLen: 64, batchSize: 8}\ncopy: *b\nkeys: [&k k]\n*k : 1\n", errors));
        Assert.True(errors.IsEmpty, errors.ToString());
    }

    [Fact]
    public void An_alias_that_would_nest_too_deep_is_refused()
    {
        var deep = new string('[', 20) + new string(']', 20);
        var errors = new ValidationErrors();
        Assert.Null(YamlSpec.ToJson($"a: &a {deep}\nb: [[[[[[[[[[[[[[*a]]]]]]]]]]]]]]\n", errors));
        Assert.Contains("nests deeper", errors.ToString());
    }

    [Theory]
    [InlineData("a: &a [*a]\n", "before its anchor is complete")]
    [InlineData("? [a, b]\n: 1\n", "not a plain name")]
    [InlineData("1e3: x\n", null)]
    public void Keys_and_anchors_that_specs_cannot_use_are_refused(string yaml, string? reason)
    {
        var errors = new ValidationErrors();
        var json = YamlSpec.ToJson(yaml, errors);
        if (reason is null) Assert.Equal("""{"1e3":"x"}""", json);
        else Assert.Contains(reason, errors.ToString());
    }
}
