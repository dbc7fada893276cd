using System.Text.Json;
using ScaleLab.Catalog;
using ScaleLab.Sweeps;

namespace ScaleLab.Shared.Tests;

/// <summary>Runs' configs side by side: every field, each run's value, and which fields the runs differ in.</summary>
public class ConfigDiffTests
{
    private static RunDetail Detail(string name)
    {
        var run = GpuStudy.Run(name);
        return new RunDetail(run, GpuStudy.Configs[run.Id], [], []);
    }

    [Fact]
    public void Two_arms_at_one_budget_and_size_differ_in_the_mixer_and_the_tokens_it_buys()
    {
        var gla = Detail("C=1E+13, N=1.01E+5 (d=64, L=2), mixer=\"gla\", seed=1");
        var softmax = Detail("C=1E+13, N=1.01E+5 (d=64, L=2), mixer=\"softmax\", seed=1");

        var comparison = RunComparison.Of([gla, softmax]);

        Assert.Equal(["tokens", "mixer"], comparison.Differing.Select(f => f.Name));
        Assert.Equal(["12058624", "8388608"], comparison.Differing[0].Values);     // GLA's step costs less: more tokens for the budget
        Assert.Equal(["gla", "softmax"], comparison.Differing[1].Values);
        var shared = comparison.Shared.ToDictionary(f => f.Name, f => f.Values);
        Assert.Equal(["hmm", "hmm"], shared["task"]);
        Assert.Equal(["64", "64"], shared["dModel"]);
        Assert.Equal(["0.003", "0.003"], shared["learningRate"]);
        Assert.Equal([SweepFields.Missing, SweepFields.Missing], shared["dataset"]);   // null in both
        Assert.Equal(JsonSerializer.SerializeToNode(gla.Config, SpecJson.Options)!.AsObject().Count, comparison.Config.Count);   // every field, once
        Assert.Equal("task", comparison.Config[0].Name);                                                        // in the config's order
    }

    [Fact]
    public void Nested_fields_are_dotted_arrays_are_json_and_a_field_one_run_lacks_differs()
    {
        var fields = ConfigDiff.Of(
        [
            """{"dModel":64,"dataset":{"name":"wiki","files":["a.txt","b.txt"]},"mixer":"gla"}""",
            """{"dModel":64,"dataset":{"name":"web","files":["a.txt","b.txt"]},"mixer":"gla","shortConv":3}""",
        ]);

        Assert.Equal(["dModel", "dataset.name", "dataset.files", "mixer", "shortConv"], fields.Select(f => f.Name));
        Assert.Equal(["[\"a.txt\",\"b.txt\"]", "[\"a.txt\",\"b.txt\"]"], fields[2].Values);
        Assert.Equal([SweepFields.Missing, "3"], fields[4].Values);
        Assert.Equal([false, true, false, false, true], fields.Select(f => f.Differs));
    }

    [Fact]
    public void More_runs_than_can_be_compared_are_refused()
    {
        var many = GpuStudy.Sweep.Runs.Take(RunComparison.MaxRuns + 1).Select(r => new RunDetail(r, GpuStudy.Configs[r.Id], [], [])).ToList();

        Assert.Equal(RunComparison.MaxRuns, RunComparison.Of(many[..RunComparison.MaxRuns]).Runs.Count);
        Assert.Throws<ArgumentException>(() => RunComparison.Of(many));
    }
}
