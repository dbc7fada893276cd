using ScaleLab.Client;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.IntegrationTests;

/// <summary>An adaptive IsoFLOP study (isoflop.adaptive) on the real cluster: runs chosen as results come in.</summary>
[Collection(ClusterCollection.Name)]
public class AdaptiveStudyTests(ClusterFixture cluster, Xunit.Abstractions.ITestOutputHelper output)
{
    // Three budgets x four sizes (five targets, two round to one shape) of tiny models: a grid of 12 candidates, of which
    // the design may spend 90 %. Its target width is out of reach at this scale, so it runs until the cap or nothing
    // helps: measured, the first fit's 6 runs, a smaller size at each budget (their losses fell towards it), then the
    // top budget's first three sizes, 11 runs and 83 % of the grid's compute, stopping with the budget spent.
    private const string Spec = """
        {"name":"it-adaptive","kind":"isoflop",
         "base":{"task":"hmm","hmmStates":16,"hmmVocab":64,"seqLen":32,"batchSize":8,"warmupSteps":5,"learningRate":0.01,
                 "evalInterval":1000,"evalBatches":2,"finalEvalTokens":4096,"logInterval":10,"checkpointInterval":0},
         "isoflop":{"budgets":[3e9,1e10,3e10],"sizes":[1000,2000,4000,8000,16000],"aspectRatio":16,"headDim":8,
                    "adaptive":{"targetWidth":0.001,"maxComputeFraction":0.9,"runsPerRound":2}}}
        """;

    private ScaleLabApi Client => new(cluster.Api);

    [Fact]
    public async Task An_adaptive_study_trains_its_first_fit_then_adds_runs_as_results_come_until_its_cap_and_records_each_round()
    {
        var preview = (await Client.PreviewAsync(Spec)).Value!;
        Assert.Equal(12, preview.RunCount);
        Assert.Equal(6, preview.Adaptive!.FirstRuns);
        Assert.Equal(0.9, preview.TotalFlops / preview.PlainGridFlops!.Value, 1e-9);

        // A bad adaptive section is a problem naming its field, at preview and at submission alike.
        var bad = Spec.Replace("\"targetWidth\":0.001,", "");
        Assert.Contains("isoflop.adaptive.targetWidth", (await Client.PreviewAsync(bad)).Errors.Keys);
        Assert.Contains("isoflop.adaptive.targetWidth", (await Client.SubmitAsync(bad, ClusterFixture.ApiKey)).Errors.Keys);

        var accepted = (await Client.SubmitAsync(Spec, ClusterFixture.ApiKey)).Value!;
        Assert.Equal(6, accepted.RunCount);   // only the first fit's runs are queued at first
        await cluster.WaitForSweepAsync(accepted.SweepId, TimeSpan.FromMinutes(6));
        var sweep = (await Client.GetSweepAsync(accepted.SweepId))!;

        Assert.Equal(SweepStatus.Succeeded, sweep.Sweep.Status);
        var log = sweep.Design!;
        foreach (var r in log.Rounds)
            output.WriteLine($"round {r.Round} ({r.Reason}, {r.Finished} finished, a then {r.Interval?.Estimate:F3} [{r.Interval?.Low:F3}, {r.Interval?.High:F3}]): {string.Join("; ", r.Runs)}");
        output.WriteLine($"stopped: {log.Stop}, a = {log.Final?.Estimate:F3} [{log.Final?.Low:F3}, {log.Final?.High:F3}], {sweep.Runs.Count} of {preview.RunCount} runs, {sweep.Runs.Sum(r => r.PlannedFlops) / log.GridFlops:P0} of the grid");
        Assert.NotNull(log.Stop);
        Assert.True(log.Stop is "BudgetSpent" or "NothingToPropose", $"stopped: {log.Stop}");   // a width of 0.001 is not reached by 12 tiny runs
        Assert.Equal(nameof(ScaleLab.Scaling.ProposalReason.FirstFit), log.Rounds[0].Reason);
        Assert.True(log.Rounds.Count >= 2, "the design added runs after its first fit");
        // At least one round was chosen from a fit of the finished runs' points, read as a fit reads them.
        Assert.Contains(log.Rounds, r => r.Reason != nameof(ScaleLab.Scaling.ProposalReason.FirstFit) && r.Interval is not null);
        Assert.InRange(sweep.Runs.Count, 7, 11);   // more than the first fit, fewer than the grid
        Assert.Equal(sweep.Runs.Count, sweep.Sweep.RunCount);
        Assert.Equal(sweep.Runs.Select(r => r.Name).Order(), log.Rounds.SelectMany(r => r.Runs).Order());
        Assert.All(sweep.Runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        var spent = sweep.Runs.Sum(r => r.PlannedFlops);
        Assert.True(spent <= log.MaxFlops * (1 + 1e-9), $"spent {spent:E3} of a cap of {log.MaxFlops:E3}");
        Assert.Equal(spent, sweep.Sweep.PlannedFlops, spent * 1e-9);
        // A round is chosen only when fewer than runsPerRound (2) runs are in flight: after 5 of the first fit's 6 at the earliest.
        Assert.All(log.Rounds.Skip(1), r => Assert.True(r.Finished >= 5, $"round {r.Round} chosen after {r.Finished} runs"));
        Assert.Equal(log.Rounds.Select(r => r.QueuedFlops).Order(), log.Rounds.Select(r => r.QueuedFlops));
    }

    [Fact]
    public async Task A_crossing_study_starts_with_each_architectures_first_fit_and_chooses_on_from_both_groups_points()
    {
        // Two mixers x three budgets x three sizes: 18 candidates; the first fit is 3 sizes at 2 budgets for each mixer.
        const string spec = """
            {"name":"it-adaptive-crossing","kind":"isoflop",
             "base":{"task":"hmm","hmmStates":16,"hmmVocab":64,"seqLen":32,"batchSize":8,"warmupSteps":5,"learningRate":0.01,
                     "evalInterval":1000,"evalBatches":2,"finalEvalTokens":4096,"logInterval":10,"checkpointInterval":0},
             "axes":{"mixer":["softmax","linear"]},
             "isoflop":{"budgets":[3e9,1e10,3e10],"sizes":[1000,4000,16000],"aspectRatio":16,"headDim":8,
                        "adaptive":{"targetWidth":0.01,"target":"crossingCompute","maxComputeFraction":0.9,"runsPerRound":2}}}
            """;
        var accepted = (await Client.SubmitAsync(spec, ClusterFixture.ApiKey)).Value!;
        Assert.Equal(12, accepted.RunCount);
        await cluster.WaitForSweepAsync(accepted.SweepId, TimeSpan.FromMinutes(6));
        var sweep = (await Client.GetSweepAsync(accepted.SweepId))!;

        var log = sweep.Design!;
        foreach (var r in log.Rounds) output.WriteLine($"round {r.Round} ({r.Reason}, {r.Finished} finished): {string.Join("; ", r.Runs)}");
        output.WriteLine($"stopped: {log.Stop}, final {log.Final?.Estimate:F2} [{log.Final?.Low:F2}, {log.Final?.High:F2}]");
        Assert.Equal(SweepStatus.Succeeded, sweep.Sweep.Status);
        Assert.Equal(6, log.Rounds[0].Runs.Count(n => n.Contains("mixer=\"softmax\"")));
        Assert.Equal(6, log.Rounds[0].Runs.Count(n => n.Contains("mixer=\"linear\"")));
        // Later rounds were chosen from a fit of both mixers' points, grouped as a fit groups them (measured: the linear
        // mixer's profiles bracketed no minimum at first, so its first fit took the top budget's sizes; then two rounds
        // chosen to narrow the interval, and the cap was spent).
        Assert.True(log.Rounds.Count >= 2, "the design added runs after the first fits");
        Assert.Contains(log.Rounds, r => r.Reason != nameof(ScaleLab.Scaling.ProposalReason.FirstFit));
        Assert.NotNull(log.Stop);
        Assert.True(sweep.Runs.Sum(r => r.PlannedFlops) <= log.MaxFlops * (1 + 1e-9));
    }
}
