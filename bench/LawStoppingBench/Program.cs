using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.LossCurves;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Shared.Tests;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

// Law-based early stopping (issue #16) measured on studies whose runs all trained to the end, so what it would have
// stopped can be checked against where those runs ended: `plan cpu|gpu DIR` expands an IsoFLOP study with its sizes
// shared by every budget (SweepExpander, as ScaleLab would) for bench/train-plan.sh; `analyze DIR` replays the rule on
// the trained curves (LawStoppingReplay) and prints the compute it saves and the N_opt exponent fitted with and
// without the stopped runs; `synthetic SEEDS` does the same on studies drawn from a known law (LawStoppingStudy).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var rule = new EarlyStopping(Method: EarlyStoppingMethods.Law, Metric: MetricNames.Loss);
return args switch
{
    ["plan", var scale, var dir] => Plan(scale, dir),
    ["analyze", var dir] => Analyze(dir, rule),
    ["analyze", var dir, var at] => Analyze(dir, rule with { At = [.. at.Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture))] }),
    ["synthetic", var seeds] => Synthetic(int.Parse(seeds, CultureInfo.InvariantCulture), rule),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: law-stopping-bench plan cpu|gpu DIR | law-stopping-bench analyze DIR [AT,AT..] | law-stopping-bench synthetic SEEDS");
    return 2;
}

static int Plan(string scale, string dir)
{
    var json = scale switch
    {
        "cpu" => """{"name":"law-stopping","kind":"isoflop","base":{"task":"hmm","hmmStates":64,"hmmVocab":128,"seqLen":64,"batchSize":16,"learningRate":0.01,"warmupSteps":20,"evalInterval":1000000,"logInterval":5,"checkpointInterval":0,"finalEvalTokens":0},"isoflop":{"budgets":[4e10,2e11,1e12],"sizes":[5000,10000,20000,40000,80000],"aspectRatio":16,"headDim":8}}""",
        // Budgets 2.5x apart, so a run's siblings at the budget below have seen a good part of its annealing, and sizes
        // to 9.6M, past the top budget's optimum; the first GPU study (budgets 5x apart, sizes to 2.2M, still falling at
        // the top) is in bench/results/2026-12-02-law-stopping-gpu/study.spec.json.
        "gpu" => """{"name":"law-stopping","kind":"isoflop","base":{"task":"hmm","hmmStates":1024,"hmmVocab":512,"seqLen":256,"batchSize":32,"learningRate":0.003,"warmupSteps":20,"evalInterval":1000000,"evalBatches":16,"logInterval":10,"checkpointInterval":0,"finalEvalTokens":0},"isoflop":{"budgets":[5e13,1.25e14,3.125e14],"sizes":[300000,600000,1200000,2400000,4800000,9600000],"aspectRatio":32,"headDim":16}}""",
        _ => throw new ArgumentException($"scale must be cpu or gpu, not {scale}"),
    };
    var errors = new ValidationErrors();
    var spec = SweepSpecParser.Parse(json, errors) ?? throw new InvalidOperationException(errors.ToString());
    var runs = SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors) ?? throw new InvalidOperationException(errors.ToString());
    Directory.CreateDirectory(dir);
    File.WriteAllText(Path.Combine(dir, "study.spec.json"), json);
    var lines = runs.Select((run, i) =>
    {
        var name = $"run-{i:D2}";
        File.WriteAllText(Path.Combine(dir, name + ".json"), JsonSerializer.Serialize(run.Config, SpecJson.Indented));
        return string.Join('\t', 1, name, "-", "-", run.Name.Replace('\t', ' '));
    }).ToList();
    File.WriteAllLines(Path.Combine(dir, "plan.tsv"), lines);
    Console.WriteLine($"{lines.Count} runs planned in {dir}");
    return 0;
}

static int Analyze(string dir, EarlyStopping rule)
{
    var runs = new List<LawStoppingReplay.Run>();
    var points = new Dictionary<Guid, ScalingPoint>();
    foreach (var row in File.ReadAllLines(Path.Combine(dir, "plan.tsv")).Select(l => l.Split('\t')))
    {
        var name = row[1];
        var config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(Path.Combine(dir, name + ".json")), SpecJson.Options)!;
        var summaryLine = File.ReadLines(Path.Combine(dir, name, "train.log")).LastOrDefault(l => l.Contains("\"summary\""));
        if (summaryLine is null) { Console.Error.WriteLine($"{name}: no summary; left out"); continue; }
        var summary = JsonNode.Parse(summaryLine)!;
        var curve = File.ReadLines(Path.Combine(dir, name, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!)
            .Where(n => n[MetricNames.Loss] is not null).Select(n => new CurvePoint((int)n["step"]!, (double)n[MetricNames.Loss]!)).ToList();
        var (n, flops, loss) = ((long)summary["non_embedding_params"]!, (double)summary["flops"]!, (double)summary["final_loss"]!);
        var id = Guid.NewGuid();
        runs.Add(new LawStoppingReplay.Run(id, $"{name} ({row[4]})", config, flops, n, curve, loss));
        points[id] = new ScalingPoint(n, (long)summary["tokens"]!, loss, flops);
    }
    var outcome = Report(runs, points, f => points[f.RunId].Loss, rule,
        $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(dir))} ({runs.Count} runs), judged at {string.Join(", ", rule.JudgedAt())}", header: true);
    foreach (var j in outcome.Judgements)
    {
        var run = runs.Single(r => r.RunId == j.RunId);
        Console.Error.WriteLine($"{run.Name} at step {j.Step}/{run.Config.Steps}: predicted {j.Prediction.Loss:F4} [{j.Prediction.Low:F4}, {j.Prediction.High:F4}], ended {run.FinalLoss:F4}{(j.Verdict is null ? "" : " -> " + j.Verdict)}");
    }
    return 0;
}

static int Synthetic(int seeds, EarlyStopping rule)
{
    for (var seed = 1; seed <= seeds; seed++)
    {
        var study = LawStoppingStudy.Draw(seed);
        var points = study.Runs.ToDictionary(r => r.RunId, r => study.Truth[r.RunId]);
        Report(study.Runs, points, r => study.TrueFinalLoss[r.RunId], rule, $"known law, seed {seed}", header: seed == 1);
    }
    Console.WriteLine($"\ntruth: a = {LawStoppingStudy.Law.NOptExponent:F3}");
    return 0;
}

// One row: the rule replayed, the runs it stopped, the compute it saved, and the IsoFLOP exponent with and without them.
// A stopped run counts as on the frontier when it ended (by `ended`) within 0.005 of its budget's best.
static LawStoppingReplay.Outcome Report(IReadOnlyList<LawStoppingReplay.Run> runs, IReadOnlyDictionary<Guid, ScalingPoint> points,
    Func<LawStoppingReplay.Run, double> ended, EarlyStopping rule, string label, bool header)
{
    var outcome = LawStoppingReplay.Replay(runs, rule);
    var full = Fit([.. points.Values]);
    var kept = Fit([.. points.Where(p => !outcome.Stopped.Contains(p.Key)).Select(p => p.Value)]);
    var onFrontier = runs.Where(r => outcome.Stopped.Contains(r.RunId)).Count(r =>
        ended(r) <= runs.Where(o => LawStopping.SameBudget(o.Flops, r.Flops)).Min(ended) + 0.005);
    var judged = outcome.Judgements.Select(j => (j, Run: runs.Single(r => r.RunId == j.RunId))).ToList();
    var errors = judged.Select(x => Math.Abs(x.j.Prediction.Loss - ended(x.Run))).Order().ToList();
    var covered = judged.Count(x => ended(x.Run) >= x.j.Prediction.Low && ended(x.Run) <= x.j.Prediction.High);
    if (header)
    {
        Console.WriteLine("| study | judgements | their median error | covered (90 %) | runs stopped | stopped on the frontier | compute saved | a, every run [95 %] | a, without the stopped [95 %] | inside |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|---|");
    }
    var inside = kept.Value >= full.Low && kept.Value <= full.High;
    Console.WriteLine($"| {label} | {judged.Count} | {(errors.Count == 0 ? "-" : errors[errors.Count / 2].ToString("F4"))} | {covered} of {judged.Count} | {outcome.Stopped.Count} of {runs.Count} | {onFrontier} | " +
        $"{outcome.SavedFraction:P1} | {full.Value:F3} [{full.Low:F3}, {full.High:F3}] | {kept.Value:F3} [{kept.Low:F3}, {kept.High:F3}] | {(inside ? "yes" : "NO")} |");
    return outcome;
}

static Estimate Fit(IReadOnlyList<ScalingPoint> points)
{
    var errors = new ValidationErrors();
    var result = ScalingAnalysis.Run(points, new FitOptions { Law = FitLaw.IsoFlop, Bootstrap = 200, Seed = 1 }, errors)
        ?? throw new InvalidOperationException($"IsoFLOP fit refused: {errors}");
    return result.Groups.Single().Parameters["a"];
}
