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
    [InlineData("name: x\nname: y\n", "Duplicate key")]
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
}
