using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

public class RandomSearchTests
{
    private const string Spec = """
        {"name":"rs","kind":"random","base":{"dModel":32,"nHeads":2},
         "random":{"runs":40,"seed":7,"parameters":{
           "learningRate":{"logUniform":[1e-4,1e-2]},"weightDecay":{"uniform":[0,0.2]},
           "warmupSteps":{"intUniform":[5,50]},"mixer":{"choice":["softmax","gla","mamba"]}}},
         "axes":{"seed":[1,2]}}
        """;

    private static IReadOnlyList<PlannedRun> Expand(string json, ValidationErrors errors, Guid? id = null)
    {
        var spec = SweepSpecParser.Parse(json, errors);
        return spec is null ? [] : SweepExpander.Expand(id ?? Guid.Empty, spec, SweepLimits.Default, errors) ?? [];
    }

    [Fact]
    public void Samples_stay_within_their_distributions_and_cross_with_the_axes()
    {
        var errors = new ValidationErrors();
        var runs = Expand(Spec, errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(80, runs.Count);                                                    // 40 samples x 2 seeds
        Assert.All(runs, r => Assert.InRange(r.Config.LearningRate, 1e-4, 1e-2));
        Assert.All(runs, r => Assert.InRange(r.Config.WeightDecay, 0, 0.2));
        Assert.All(runs, r => Assert.InRange(r.Config.WarmupSteps, 5, 50));
        Assert.Equal(["gla", "mamba", "softmax"], runs.Select(r => r.Config.Mixer).Distinct().Order());
        // Log-uniform: about half the samples below the geometric middle (1e-3), not a tenth as uniform would give.
        var below = runs.Count(r => r.Config.LearningRate < 1e-3) / (double)runs.Count;
        Assert.InRange(below, 0.3, 0.7);
        Assert.Equal(runs.Count / 2, runs.Select(r => (r.Config.LearningRate, r.Config.Mixer, r.Config.WarmupSteps)).Distinct().Count());
    }

    [Fact]
    public void The_same_spec_expands_to_the_same_runs_and_another_seed_to_others()
    {
        var id = Guid.NewGuid();
        var a = Expand(Spec, new ValidationErrors(), id);
        var b = Expand(Spec, new ValidationErrors(), id);
        var c = Expand(Spec.Replace("\"seed\":7", "\"seed\":8"), new ValidationErrors(), id);

        Assert.Equal(a.Select(r => r.RunId), b.Select(r => r.RunId));
        Assert.NotEqual(a.Select(r => r.Config.LearningRate), c.Select(r => r.Config.LearningRate));
    }

    [Fact]
    public void Identical_samples_are_trained_once()
    {
        var errors = new ValidationErrors();
        var runs = Expand("""{"name":"rs","kind":"random","random":{"runs":30,"parameters":{"mixer":{"choice":["softmax","gla"]}}}}""", errors);
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(2, runs.Count);
    }

    [Theory]
    [InlineData("""{"runs":0,"parameters":{"learningRate":{"uniform":[0.001,0.01]}}}""", "random.runs")]
    [InlineData("""{"runs":5,"parameters":{"learningRat":{"uniform":[0.001,0.01]}}}""", "random.parameters.learningRat")]
    [InlineData("""{"runs":5,"parameters":{"learningRate":{"logUniform":[0,0.01]}}}""", "random.parameters.learningRate.logUniform")]
    [InlineData("""{"runs":5,"parameters":{"learningRate":{"uniform":[0.01,0.001]}}}""", "random.parameters.learningRate.uniform")]
    [InlineData("""{"runs":5,"parameters":{"nLayers":{"intUniform":[1.5,4]}}}""", "random.parameters.nLayers.intUniform")]
    [InlineData("""{"runs":5,"parameters":{"learningRate":{"normal":[0,1]}}}""", "random.parameters.learningRate")]
    [InlineData("""{"runs":5,"parameters":{"nLayers":{"uniform":[1,4]}}}""", "random.parameters.nLayers")]   // 2.37 layers: a type error at the distribution
    [InlineData("""{"runs":5000,"parameters":{"learningRate":{"uniform":[0.001,0.01]}}}""", "random")]
    public void A_bad_random_section_is_refused_at_the_field(string random, string field)
    {
        var errors = new ValidationErrors();
        Expand($$"""{"name":"rs","kind":"random","random":{{random}}}""", errors);
        Assert.True(errors.ToDictionary().ContainsKey(field), $"expected an error at {field}, got: {errors}");
    }
}
