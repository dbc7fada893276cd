using System.Diagnostics;
using System.Globalization;
using ScaleLab.Scaling;
using ScaleLab.Shared.Tests;

// Adaptive design (issue #16, item 4) against plain designs of the same compute, on studies drawn from a known law
// (AdaptiveDesignStudy, shared with AdaptiveDesignTests): Hoffmann et al.'s L(N, D), N_opt exponent a = 0.452, with
// log-normal noise on every run's loss. The candidates are an IsoFLOP grid as ScaleLab designs one: 5 budgets 1e18 to
// 1e20 FLOPs, 7 sizes each from N₀/4 to 4·N₀ around N₀ = √(C/120). For each share of the whole grid's compute and each
// seed of noise, the interval of a reached by AdaptiveStudy.Simulate is set against grids of the same shape within the
// same compute (the b cheapest budgets x the s middle sizes: the largest, and the best in hindsight) and a uniform random
// subset of the candidates. A run has the same noisy loss whichever design trains it. With --crossing, the target is
// where two architectures' compute-optimal losses cross (Hoffmann's law against AdaptiveDesignStudy.Gla, on a smaller
// grid for each). --step-time times one design step of each target at its candidate bound with the product's options.
// Prints a markdown table; each study's result goes to stderr.
// usage: adaptive-design-bench [--seeds 20] [--noise 0.005] [--bootstrap 200] [--fantasies 2] [--per-round 2]
//                              [--repeats 1] [--share 0.25 | --shares 0.25,0.5] [--chinchilla 1]
//                              [--crossing 1 [--gla-floor 1.65] [--gla-a 450] [--budgets 3] [--sizes 5] [--measure-bootstrap K]]
//        adaptive-design-bench --step-time 1 [--bootstrap 200] [--fantasies 2]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var flags = Flags(args);
if (flags.ContainsKey("step-time")) return StepTimes(flags.GetValueOrDefault("bootstrap", 200), (int)flags.GetValueOrDefault("fantasies", 2));
var seeds = (int)flags.GetValueOrDefault("seeds", 20);
var sigma = flags.GetValueOrDefault("noise", 0.005);
var perRound = (int)flags.GetValueOrDefault("per-round", 2);
var repeats = flags.GetValueOrDefault("repeats", 1) > 0;
var crossing = flags.GetValueOrDefault("crossing", 0) > 0;
var options = new AdaptiveOptions
{
    Bootstrap = (int)flags.GetValueOrDefault("bootstrap", 200),
    Fantasies = (int)flags.GetValueOrDefault("fantasies", 2),
    Target = crossing ? DesignTarget.CrossingCompute
        : flags.GetValueOrDefault("chinchilla", 0) > 0 ? DesignTarget.ChinchillaExponent : DesignTarget.IsoFlopExponent,
};
// Every design's interval is measured with these refits, which may be more than the design scores candidates with.
var measuring = options with { Bootstrap = (int)flags.GetValueOrDefault("measure-bootstrap", options.Bootstrap) };
double[] shares = args.SkipWhile(a => a != "--shares").Skip(1).FirstOrDefault() is { } listed
    ? [.. listed.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture))]
    : flags.TryGetValue("share", out var only) ? [only] : [0.25, 0.5, 1.0];
// The second architecture's floor E and A: 1.65 and 450 cross Hoffmann's law a decade past the largest of 3 budgets,
// 1.62 and 450 between them at a shallow angle (the frontiers 0.017 and 0.027 apart a decade either side), 1.40 and 600
// between them at a steep one (0.065 and 0.041).
var gla = AdaptiveDesignStudy.Gla with
{
    E = flags.GetValueOrDefault("gla-floor", AdaptiveDesignStudy.Gla.E),
    A = flags.GetValueOrDefault("gla-a", AdaptiveDesignStudy.Gla.A),
};
var budgetCount = (int)flags.GetValueOrDefault("budgets", crossing ? 3 : 5);
var sizeCount = (int)flags.GetValueOrDefault("sizes", crossing ? 5 : 7);

var grid = AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets[..budgetCount], sizeCount);
var candidates = crossing ? AdaptiveDesignStudy.Pairs(grid) : grid;
var truth = crossing ? AdaptiveDesignStudy.TrueCrossing(gla) : AdaptiveDesignStudy.Truth.NOptExponent;
var whole = candidates.Sum(c => c.Compute);
var exact = AdaptiveDesign.Interval(candidates.Select(r => r.Trained(AdaptiveDesignStudy.LawOf(r, gla).Predict(r.N, r.D))).ToList(), measuring with { Bootstrap = 0 });
var (quantity, law) = options.Target switch
{
    DesignTarget.IsoFlopExponent => ("a of N_opt ∝ C^a", "IsoFLOP profiles (approach 2)"),
    DesignTarget.ChinchillaExponent => ("a of N_opt ∝ C^a", "L(N, D) (approach 3)"),
    _ => ("log10 of the compute where gla's and softmax's compute-optimal losses cross", "each architecture's L(N, D)"),
};

Console.WriteLine($"Target: {quantity} by {law}{(crossing ? $" (gla: {gla})" : "")}. Truth: {truth:F4}; the whole grid without noise gives {exact.Estimate!.Value:F4}.");
Console.WriteLine($"{candidates.Count} candidates ({budgetCount} budgets x {sizeCount} sizes{(crossing ? " x 2 architectures" : "")}), {whole:0.###E+0} FLOPs in all; " +
    $"noise σ = {sigma} on ln loss; {seeds} seeds; {options.Bootstrap} bootstrap refits per interval while designing, {measuring.Bootstrap} to measure; " +
    $"{options.Fantasies} fantasies per candidate, {perRound} runs per round.");
Console.WriteLine();
var symbol = crossing ? "log10 C" : "a";
Console.WriteLine($"| compute | design | runs | compute used | usable interval | width of {symbol}: median | p90 | covers the truth | median \\|{symbol} − truth\\| | time per study |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var share in shares)
{
    var budget = share * whole;
    var shapes = SubGrids(candidates, budget, budgetCount, sizeCount);
    var adaptive = new List<Result>();
    var twice = new List<Result>();
    var random = new List<Result>();
    var grids = shapes.ToDictionary(s => s, _ => new List<Result>());
    for (var seed = 1; seed <= seeds; seed++)
    {
        var study = new AdaptiveDesignStudy(candidates, sigma, seed, gla: gla);
        var seeded = options with { Seed = seed };
        var measured = measuring with { Seed = seed };
        Result Measure(IReadOnlyList<ScalingPoint> trained, double seconds = 0)
        {
            // In one order for every design: the bootstrap's resamples follow the order of the points.
            var points = trained.OrderBy(p => p.Group, StringComparer.Ordinal).ThenBy(p => p.Compute).ThenBy(p => p.N).ThenBy(p => p.Loss).ToList();
            return new Result(points, AdaptiveDesign.Interval(points, measured), seconds);
        }
        Result Adaptive(IReadOnlyList<CandidateRun> offered, string name)
        {
            var clock = Stopwatch.StartNew();
            var history = AdaptiveStudy.Simulate(offered, study.Trainer(), budget, seeded, perRound);
            var result = Measure(history.Points, clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine($"{share:P0} seed {seed} {name}: {result} ({history.Stop}, {history.Rounds.Count} rounds, {result.Seconds:F1} s)");
            return result;
        }

        // At the whole grid's compute, with each candidate offered once, the design trains them all: it is the grid (the
        // first tables showed it), so it is not simulated there.
        if (share < 1 || repeats) adaptive.Add(Adaptive(candidates, "adaptive"));
        if (repeats) twice.Add(Adaptive(candidates.Concat(candidates).ToList(), "adaptive, repeats"));
        random.Add(Measure(study.Train(RandomSubset(candidates, budget, seed))));
        Console.Error.WriteLine($"{share:P0} seed {seed} random subset: {random[^1]}");
        foreach (var shape in shapes) grids[shape].Add(Measure(study.Train(AdaptiveDesignStudy.SubGrid(candidates, shape.Budgets, shape.Sizes))));
    }
    var largest = shapes.MaxBy(s => (grids[s][0].Compute, s.Budgets));
    // The narrowest median width among the grids whose interval holds the truth in 80 % of the seeds or more (a narrow
    // interval that misses it is no better design).
    var honest = shapes.Where(s => grids[s].Count(r => r.Interval.Covers(truth)) >= 0.8 * seeds).ToList();
    var best = honest.Count == 0 ? largest : honest.MinBy(s => (Quantile(grids[s].Select(r => r.Interval.Width), 0.5), -grids[s][0].Compute));
    if (adaptive.Count > 0) Row(share, "adaptive", adaptive);
    if (repeats) Row(share, "adaptive, each candidate up to twice", twice);
    Row(share, $"grid {largest.Budgets} x {largest.Sizes} (the largest)", grids[largest]);
    if (best != largest) Row(share, $"grid {best.Budgets} x {best.Sizes} (the best in hindsight)", grids[best]);
    Row(share, "random subset", random);
}
return 0;

void Row(double share, string name, List<Result> results)
{
    var widths = results.Select(r => r.Interval.Width).ToList();
    var errors = results.Where(r => r.Interval.Estimate is not null).Select(r => Math.Abs(r.Interval.Estimate!.Value - truth)).ToList();
    Console.WriteLine($"| {share:P0} | {name} | {results.Average(r => r.Points.Count):F1} | {results.Average(r => r.Compute) / whole:P0} | " +
        $"{results.Count(r => r.Interval.Usable)} of {seeds} | {Width(Quantile(widths, 0.5))} | {Width(Quantile(widths, 0.9))} | " +
        $"{results.Count(r => r.Interval.Covers(truth))} of {seeds} | {(errors.Count == 0 ? "–" : Quantile(errors, 0.5).ToString("F3"))} | " +
        $"{(name.StartsWith("adaptive", StringComparison.Ordinal) ? $"{results.Average(r => r.Seconds):F1} s" : "")} |");
}

// What one step of an adaptive study costs the orchestrator with the product's options (AdaptiveSweep.Next takes the
// defaults): each target at its candidate bound (AdaptiveSpec.MaxCandidates), its first fit trained, one proposal with
// nothing in flight and one with that proposal in flight, as a round of two makes them.
static int StepTimes(double bootstrap, int fantasies)
{
    Console.WriteLine($"One design step on {Environment.ProcessorCount} cores, {bootstrap} refits, {fantasies} fantasies; each target at its candidate bound.");
    Console.WriteLine();
    Console.WriteLine("| target | candidates | first proposal (s) | second, the first in flight (s) | refits |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var (target, candidates) in new (DesignTarget, List<CandidateRun>)[]
    {
        (DesignTarget.IsoFlopExponent, AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets, sizes: 30)),
        (DesignTarget.ChinchillaExponent, AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets, sizes: 8)),
        (DesignTarget.CrossingCompute, AdaptiveDesignStudy.Pairs(AdaptiveDesignStudy.Grid(AdaptiveDesignStudy.Budgets[..4], sizes: 5))),
    })
    {
        var options = new AdaptiveOptions { Target = target, Bootstrap = (int)bootstrap, Fantasies = fantasies };
        var study = new AdaptiveDesignStudy(candidates, 0.005, seed: 1);
        var first = AdaptiveDesign.Propose([], [], candidates, options)!;
        var finished = study.Train(first.Runs);
        var untried = candidates.Except(first.Runs).ToList();
        var clock = Stopwatch.StartNew();
        var one = AdaptiveDesign.Propose(finished, [], untried, options)!;
        var firstSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        AdaptiveDesign.Propose(finished, one.Runs, untried.Except(one.Runs).ToList(), options);
        Console.WriteLine($"| {target} | {candidates.Count} | {firstSeconds:F1} | {clock.Elapsed.TotalSeconds:F1} | {untried.Count * fantasies * bootstrap:N0} |");
    }
    return 0;
}

static string Width(double w) => double.IsFinite(w) ? w.ToString("F3") : "none";

// A missing interval counts as infinitely wide: a quantile that reaches one is infinite.
static double Quantile(IEnumerable<double> values, double q)
{
    var sorted = values.Select(v => double.IsFinite(v) ? v : double.MaxValue).Order().ToArray();
    var x = Estimate.Percentile(sorted, q);
    return x >= double.MaxValue / 2 ? double.PositiveInfinity : x;
}

// Every grid of the whole grid's shape within the budget: the b cheapest budgets (b ≥ 2) x the s middle sizes (s ≥ 3),
// of each architecture where there are two.
static List<(int Budgets, int Sizes)> SubGrids(IReadOnlyList<CandidateRun> candidates, double budget, int budgets, int sizes) =>
    (from b in Enumerable.Range(2, budgets - 1)
     from s in Enumerable.Range(3, sizes - 2)
     where AdaptiveDesignStudy.SubGrid(candidates, b, s).Sum(r => r.Compute) <= budget * (1 + 1e-9)
     select (b, s)).ToList();

// Candidates in a random order, each taken while it fits in what is left.
static IReadOnlyList<CandidateRun> RandomSubset(IReadOnlyList<CandidateRun> candidates, double budget, int seed)
{
    var random = new Random(seed);
    var chosen = new List<CandidateRun>();
    foreach (var c in candidates.OrderBy(_ => random.Next()))
        if (chosen.Sum(r => r.Compute) + c.Compute <= budget * (1 + 1e-9)) chosen.Add(c);
    return chosen;
}

static Dictionary<string, double> Flags(string[] args)
{
    var flags = new Dictionary<string, double>();
    for (var i = 0; i + 1 < args.Length; i += 2)
        if (args[i] != "--shares") flags[args[i].TrimStart('-')] = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    return flags;
}

internal sealed record Result(IReadOnlyList<ScalingPoint> Points, TargetInterval Interval, double Seconds)
{
    public double Compute => Points.Sum(p => p.Compute);

    public override string ToString() =>
        $"{Points.Count} runs, target {Interval.Estimate?.Value:F3} [{Interval.Estimate?.Low:F3}, {Interval.Estimate?.High:F3}], {Interval.Succeeded} refits; " +
        $"runs per budget {string.Join("; ", Points.GroupBy(p => p.Group).Select(group => (group.Key is null ? "" : group.Key + " ") +
            string.Join(" ", group.GroupBy(p => p.Compute).OrderBy(g => g.Key).Select(g => g.Count()))))}";
}
