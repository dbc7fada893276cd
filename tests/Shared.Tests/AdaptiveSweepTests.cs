using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Shared.Tests;

/// <summary>The adaptive IsoFLOP study's steps (isoflop.adaptive), driven here as the sweep grain drives them, with training replaced by a known law.</summary>
public class AdaptiveSweepTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Guid SweepId = Guid.Parse("0197a000-0000-7000-8000-0000000000ad");

    // Hoffmann et al.'s fitted law: N_opt ∝ C^(β/(α+β)) under C = 6ND, which the spec counts by.
    private const double E = 1.69, A = 406.4, B = 410.7, Alpha = 0.34, Beta = 0.28;
    private const double TrueExponent = Beta / (Alpha + Beta);

    private static string Spec(string adaptive, string extra = "") => $$"""
        {"name":"adaptive","kind":"isoflop","accounting":{"compute":"6ND"},
         "base":{"seqLen":64,"batchSize":8},
         "isoflop":{"budgets":[1e13,3e13,1e14,3e14],"sizesPerBudget":5,"spread":4,"aspectRatio":32,"headDim":16,"adaptive":{{adaptive}}}{{extra}}}
        """;

    private static (SweepSpec? Spec, IReadOnlyList<PlannedRun>? Runs, ValidationErrors Errors) Expand(string json)
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(json, errors);
        return (spec, spec is null ? null : SweepExpander.Expand(SweepId, spec, SweepLimits.Default, errors), errors);
    }

    private static double Loss(PlannedRun run, Random noise) =>
        (E + A / Math.Pow(run.NonEmbeddingParameters, Alpha) + B / Math.Pow(run.Config.Tokens, Beta)) * Math.Exp(0.005 * Gaussian(noise));

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Theory]
    [InlineData("""{"maxComputeFraction":0.5}""", "isoflop.adaptive.targetWidth")]
    [InlineData("""{"targetWidth":0.05,"maxComputeFraction":1.5}""", "isoflop.adaptive.maxComputeFraction")]
    [InlineData("""{"targetWidth":0.05,"runsPerRound":0}""", "isoflop.adaptive.runsPerRound")]
    [InlineData("""{"targetWidth":0.05,"target":"crossing"}""", "isoflop.adaptive.target")]
    [InlineData("""{"targetWidth":0.05,"rounds":3}""", "isoflop.adaptive.rounds")]
    [InlineData("""{"targetWidth":0.05,"maxComputeFraction":0.01}""", "isoflop.adaptive.maxComputeFraction")]
    public void A_bad_adaptive_section_is_refused_naming_the_field(string adaptive, string field)
    {
        var (_, runs, errors) = Expand(Spec(adaptive));

        Assert.Null(runs);
        Assert.Contains(field, errors.ToDictionary().Keys);
    }

    [Fact]
    public void A_grid_too_large_to_score_at_every_step_is_refused_before_it_is_expanded()
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(Spec("""{"targetWidth":0.05,"target":"chinchillaExponent"}""").Replace("\"sizesPerBudget\":5", "\"sizesPerBudget\":12"), errors);

        Assert.Null(spec);
        Assert.Contains("48 candidate runs", Assert.Single(errors.ToDictionary()["isoflop.adaptive"]));
    }

    [Theory]
    [InlineData(""","earlyStopping":{"method":"law"}""", "earlyStopping")]
    [InlineData(""","axes":{"seed":[1,2]}""", "axes.seed")]
    public void An_adaptive_design_refuses_what_would_make_a_point_several_runs_or_stop_one(string extra, string field)
    {
        var (_, runs, errors) = Expand(Spec("""{"targetWidth":0.05}""", extra));

        Assert.Null(runs);
        Assert.Contains(field, errors.ToDictionary().Keys);
    }

    [Fact]
    public void It_starts_with_three_sizes_at_each_of_the_two_cheapest_budgets()
    {
        var (spec, grid, _) = Expand(Spec("""{"targetWidth":0.05}"""));

        var step = AdaptiveSweep.Next(spec!, grid!, new Dictionary<Guid, RunStatus>(), [], null);

        Assert.Null(step.Stop);
        Assert.Equal(6, step.Queue.Count);
        Assert.Equal([1e13, 1e13, 1e13, 3e13, 3e13, 3e13], step.Queue.Select(r => r.Flops).Order().Select(f => f < 2e13 ? 1e13 : 3e13));
        var round = Assert.Single(step.Log.Rounds);
        Assert.Equal(nameof(ProposalReason.FirstFit), round.Reason);
        Assert.Equal(0.5 * grid!.Sum(r => r.OwnFlops), step.Log.MaxFlops, 1e-6 * step.Log.MaxFlops);
    }

    [Fact]
    public void A_crossing_compares_the_two_values_of_the_studys_one_axis_starting_with_each_ones_first_fit()
    {
        var (spec, grid, errors) = Expand(Spec("""{"targetWidth":0.5,"target":"crossingCompute"}""", ""","axes":{"mixer":["softmax","gla"]}"""));
        Assert.True(errors.IsEmpty, errors.ToString());

        var step = AdaptiveSweep.Next(spec!, grid!, new Dictionary<Guid, RunStatus>(), [], null);

        Assert.Equal("mixer", AdaptiveSweep.GroupField(spec!));
        Assert.Equal(40, grid!.Count);
        var groups = step.Queue.GroupBy(r => AdaptiveSweep.Candidate(r, spec!).Group).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["mixer=gla"] = 6, ["mixer=softmax"] = 6 }, groups);
    }

    [Theory]
    [InlineData("")]
    [InlineData(""","axes":{"mixer":["softmax","gla","mamba"]}""")]
    [InlineData(""","axes":{"mixer":["softmax","gla"],"seed":[1,2]}""")]
    public void A_crossing_needs_exactly_one_axis_of_two_architectures(string axes)
    {
        var (_, runs, errors) = Expand(Spec("""{"targetWidth":0.5,"target":"crossingCompute"}""", axes));

        Assert.Null(runs);
        Assert.Contains(errors.ToDictionary(), e => e.Key.StartsWith("axes", StringComparison.Ordinal) && e.Value.Any(m => m.Contains("two architectures")));
    }

    [Fact]
    public void With_the_round_in_flight_it_waits_and_a_repeated_step_picks_the_same_runs()
    {
        var (spec, grid, _) = Expand(Spec("""{"targetWidth":0.001,"runsPerRound":2}"""));
        var noise = new Random(3);
        var stored = new Dictionary<Guid, RunStatus>();
        var finished = new List<ScalingPoint>();
        var log = Train(spec!, grid!, stored, finished, noise, rounds: 2);

        var step = AdaptiveSweep.Next(spec!, grid!, stored, finished, log);
        var again = AdaptiveSweep.Next(spec!, grid!, stored, finished, log);
        Assert.NotEmpty(step.Queue);
        Assert.Equal(step.Queue.Select(r => r.RunId), again.Queue.Select(r => r.RunId));

        // Those runs queued (in flight): the round is full, so nothing more until one ends.
        foreach (var run in step.Queue) stored[run.RunId] = RunStatus.Running;
        var waiting = AdaptiveSweep.Next(spec!, grid!, stored, finished, step.Log);
        Assert.Empty(waiting.Queue);
        Assert.Null(waiting.Stop);
    }

    [Theory]
    [InlineData(0.02, 0.6, "NothingToPropose")]
    [InlineData(0.4, 0.6, "TargetReached")]
    [InlineData(0.02, 0.2, "NothingToPropose")]   // the next budget's first three sizes cost more than the cap leaves
    public void A_study_run_to_its_end_stays_within_its_cap_trains_part_of_the_grid_and_its_interval_holds_the_true_exponent(double width, double fraction, string stop)
    {
        var (spec, grid, _) = Expand(Spec($$"""{"targetWidth":{{width}},"maxComputeFraction":{{fraction}},"runsPerRound":2}"""));
        var stored = new Dictionary<Guid, RunStatus>();
        var finished = new List<ScalingPoint>();
        AdaptiveSweep.Step step;
        AdaptiveLog? log = null;
        var noise = new Random(7);
        while (true)
        {
            step = AdaptiveSweep.Next(spec!, grid!, stored, finished, log);
            log = step.Log;
            if (step.Stop is not null) break;
            Assert.NotEmpty(step.Queue);   // nothing is in flight here, so a step either queues or stops
            foreach (var run in step.Queue) Finish(run, spec!, stored, finished, noise);
        }

        var trained = grid!.Where(r => stored.ContainsKey(r.RunId)).ToList();
        output.WriteLine($"{step.Stop} after {log.Rounds.Count} rounds: {trained.Count} of {grid!.Count} runs, {trained.Sum(r => r.OwnFlops) / grid.Sum(r => r.OwnFlops):P0} of the grid's compute; " +
            $"a = {step.Interval.Estimate?.Value:F3} [{step.Interval.Estimate?.Low:F3}, {step.Interval.Estimate?.High:F3}]");
        Assert.True(trained.Sum(r => r.OwnFlops) <= log.MaxFlops * (1 + 1e-9), "spends no more than its cap");
        Assert.True(trained.Count < grid!.Count, $"trained {trained.Count} of {grid!.Count}");
        Assert.Equal(stop, step.Stop.ToString());
        Assert.Equal(log.Stop, step.Stop.ToString());
        Assert.True(step.Interval.Usable, $"stopped ({step.Stop}) with no usable interval");
        Assert.True(step.Interval.Covers(TrueExponent),
            $"a = {step.Interval.Estimate!.Value:F3} [{step.Interval.Estimate.Low:F3}, {step.Interval.Estimate.High:F3}] misses the law's {TrueExponent:F3}");
        // Each round after the first fit's is one run or a budget's missing sizes, and the log counts them all.
        Assert.Equal(trained.Count, log.Rounds.Sum(r => r.Runs.Count));
        Assert.Equal(trained.Sum(r => r.OwnFlops), log.Rounds[^1].QueuedFlops, 1e-6 * log.Rounds[^1].QueuedFlops);
    }

    [Fact]
    public void The_preview_shows_the_grid_as_candidates_the_cap_as_the_cost_and_the_first_fit()
    {
        var (spec, grid, _) = Expand(Spec("""{"targetWidth":0.05,"maxComputeFraction":0.4,"runsPerRound":3}"""));

        var preview = SweepPreview.Of(spec!, grid!, 3e10, 2);

        var gridFlops = grid!.Sum(r => r.OwnFlops);
        Assert.Equal(gridFlops, preview.PlainGridFlops!.Value, 1e-9 * gridFlops);
        Assert.Equal(0.4 * gridFlops, preview.TotalFlops, 1e-9 * gridFlops);
        Assert.Equal(grid!.Count, preview.RunCount);
        Assert.Equal((6, 3), (preview.Adaptive!.FirstRuns, preview.Adaptive.RunsPerRound));
        Assert.Contains("40 %", preview.SavingText());
        Assert.Contains("first trains the 6 runs of a first fit", preview.SavingText());
    }

    private static AdaptiveLog? Train(SweepSpec spec, IReadOnlyList<PlannedRun> grid, Dictionary<Guid, RunStatus> stored, List<ScalingPoint> finished, Random noise, int rounds)
    {
        AdaptiveLog? log = null;
        for (var i = 0; i < rounds; i++)
        {
            var step = AdaptiveSweep.Next(spec, grid, stored, finished, log);
            log = step.Log;
            foreach (var run in step.Queue) Finish(run, spec, stored, finished, noise);
        }
        return log;
    }

    private static void Finish(PlannedRun run, SweepSpec spec, Dictionary<Guid, RunStatus> stored, List<ScalingPoint> finished, Random noise)
    {
        stored[run.RunId] = RunStatus.Succeeded;
        finished.Add(AdaptiveSweep.Candidate(run, spec).Trained(Loss(run, noise)));
    }
}
