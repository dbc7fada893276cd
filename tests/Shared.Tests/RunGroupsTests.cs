using ScaleLab.Catalog;
using ScaleLab.Runs;

namespace ScaleLab.Shared.Tests;

/// <summary>
/// A runs table grouped by a field, on the 112 real runs of the H200 IsoFLOP study (softmax against GLA): one group
/// per value in the value's order, each counted and summarised, and the table's filter and sort kept inside the groups.
/// </summary>
public class RunGroupsTests
{
    private static IReadOnlyList<RunSummary> Runs => GpuStudy.Sweep.Runs;

    [Fact]
    public void Grouped_by_budget_the_study_falls_into_the_four_budgets_it_was_designed_with()
    {
        var groups = RunGroups.By(Runs, RunGroups.Budget, fields: null)!;

        Assert.Equal(["1E+13", "3E+13", "1E+14", "3E+14"], groups.Select(g => g.Value));     // the spec's budgets, not the runs' 3.001E+13
        Assert.All(groups, g => Assert.Equal(28, g.Summary.Count));                          // 7 sizes x 2 mixers x 2 seeds
        Assert.Equal("budget ≈ 3E+13 FLOPs", groups[1].Label);
        var top = groups[3].Summary;
        Assert.Equal(2.7823636531829834, top.BestLoss);
        Assert.Equal("C=3E+14, N=2.22E+5 (d=96, L=2), mixer=\"softmax\", seed=2", top.BestRun);
        Assert.Equal(2.7944090366363525, top.MedianLoss!.Value, 12);                          // the mean of the middle two of 28
        Assert.Equal(3.1070504188537598, groups[0].Summary.BestLoss);
    }

    [Fact]
    public void Grouped_by_mixer_each_arm_has_its_count_best_and_median_losses()
    {
        var groups = RunGroups.By(Runs, "mixer", GpuStudy.Fields)!;

        Assert.Equal(["gla", "softmax"], groups.Select(g => g.Value));
        Assert.Equal("mixer = gla", groups[0].Label);
        var gla = groups[0].Summary;
        Assert.Equal((56, 56, 0), (gla.Count, gla.Succeeded, gla.Failed));
        Assert.Equal(2.7850098609924316, gla.BestLoss);
        Assert.Equal("C=3E+14, N=4.43E+5 (d=96, L=4), mixer=\"gla\", seed=1", gla.BestRun);
        Assert.Equal(2.895827889442444, gla.MedianLoss!.Value, 12);
        Assert.Equal(2.894556738086976, gla.MedianValLoss!.Value, 12);
        Assert.Equal(2.7823636531829834, groups[1].Summary.BestLoss);
    }

    [Fact]
    public void Numbers_are_grouped_in_numeric_order_not_text_order()
    {
        var groups = RunGroups.By(Runs, "dModel", GpuStudy.Fields)!;

        Assert.Equal(["64", "96", "128", "160", "192", "224", "256"], groups.Select(g => g.Value));
        Assert.Equal([24, 32, 12, 20, 8, 12, 4], groups.Select(g => g.Runs.Count));
        Assert.Equal(Runs.Count, groups.Sum(g => g.Runs.Count));
    }

    [Fact]
    public void Groups_keep_the_order_the_runs_came_in_so_a_sort_holds_inside_each_group()
    {
        var byLossDescending = Runs.OrderByDescending(r => r.FinalLoss).ToList();

        var groups = RunGroups.By(byLossDescending, "mixer", GpuStudy.Fields)!;

        Assert.All(groups, g => Assert.Equal(g.Runs.OrderByDescending(r => r.FinalLoss).Select(r => r.Id), g.Runs.Select(r => r.Id)));
        Assert.Equal(byLossDescending.Where(r => r.Name.Contains("\"gla\"")).Select(r => r.Id), groups[0].Runs.Select(r => r.Id));
    }

    [Fact]
    public void Groups_count_and_summarise_only_the_runs_given_so_a_filter_narrows_them()
    {
        var largestBudget = Runs.Where(r => r.Name.StartsWith("C=3E+14")).ToList();

        var groups = RunGroups.By(largestBudget, "mixer", GpuStudy.Fields)!;

        Assert.Equal([14, 14], groups.Select(g => g.Summary.Count));
        Assert.Equal(2.7850098609924316, groups[0].Summary.BestLoss);
        Assert.NotEqual(RunGroups.By(Runs, "mixer", GpuStudy.Fields)![0].Summary.MedianLoss, groups[0].Summary.MedianLoss);
    }

    [Fact]
    public void Status_groups_follow_a_runs_life_and_failed_runs_are_counted_without_a_loss()
    {
        var runs = Runs.Take(6).Select((r, i) => i switch
        {
            0 => r with { Status = RunStatus.Failed, FinalLoss = null, FinalValLoss = null, Error = "CUDA out of memory" },
            1 => r with { Status = RunStatus.Running, FinalLoss = null, FinalValLoss = null },
            2 => r with { Status = RunStatus.Queued, FinalLoss = null, FinalValLoss = null, StepsDone = 0 },
            _ => r,
        }).ToList();

        var byStatus = RunGroups.By(runs, RunGroups.Status, fields: null)!;
        var all = RunGroupSummary.Of(runs);

        Assert.Equal(["Queued", "Running", "Succeeded", "Failed"], byStatus.Select(g => g.Value));
        Assert.Equal((6, 3, 1), (all.Count, all.Succeeded, all.Failed));
        Assert.Equal(runs.Skip(3).Min(r => r.FinalLoss), all.BestLoss);                         // only the finished runs' losses
        Assert.Equal(runs.Skip(3).Select(r => r.FinalLoss!.Value).Order().ElementAt(1), all.MedianLoss);
        var queued = byStatus[0].Summary;
        Assert.Equal((1, null, null, null), (queued.Count, queued.BestLoss, queued.BestRun, queued.MedianLoss));
    }

    [Fact]
    public void Runs_without_the_field_are_grouped_last_and_an_unknown_field_is_not_grouped_by()
    {
        var (a, b, c) = (Runs[0], Runs[1], Runs[2]);
        var fields = new SweepFields(["shortConv"], new Dictionary<Guid, IReadOnlyList<string>>
        {
            [a.Id] = [SweepFields.Missing], [b.Id] = ["4"], [c.Id] = ["3"],
        });

        Assert.Equal(["3", "4", SweepFields.Missing], RunGroups.By([a, b, c], "shortConv", fields)!.Select(g => g.Value));
        Assert.Null(RunGroups.By([a, b, c], "window", fields));
        Assert.Null(RunGroups.By([a, b, c], "mixer", fields: null));     // the fields not read yet
        Assert.Equal([RunGroups.Status, RunGroups.Budget, "shortConv"], RunGroups.Keys(fields));
    }

    [Theory]
    [InlineData(new double[] { }, null)]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    public void The_median_is_the_middle_value_or_the_mean_of_the_middle_two(double[] values, double? median) =>
        Assert.Equal(median, RunGroups.Median(values));

    [Fact]
    public void Budgets_that_two_digits_cannot_tell_apart_are_named_with_four()
    {
        var run = Runs[0];
        var runs = new[] { 1.00e13, 1.10e13, 1.13e13 }.Select(c => run with { Id = Guid.NewGuid(), PlannedFlops = c }).ToList();

        // 1.13E+13 is more than 0.05 decades above 1E+13: a budget of its own, though both would be "1.1E+13".
        Assert.Equal(["1.05E+13", "1.13E+13"], RunGroups.By(runs, RunGroups.Budget, null)!.Select(g => g.Value));
    }
}
