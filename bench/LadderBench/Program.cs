using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.LossCurves;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

// The same question, N_opt(C)'s exponent, answered by an IsoFLOP grid and by a WSD ladder (issue #16, Hägele et al.
// 2024): `plan SCALE DIR` expands both studies exactly as ScaleLab would (SweepExpander) and writes each run's config
// and DIR/plan.tsv (phase, name, config, branch points, parent); bench/ladder.sh trains them with the standalone
// trainer; `analyze DIR` reads each run's summary, fits the grid by IsoFLOP profiles (approach 2) and the ladder by
// L(N, D) (approach 3), and prints the compute each spent, the exponents with their bootstrap intervals, and whether
// the ladder's exponent falls inside the grid's interval.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
return args switch
{
    ["plan", var scale, var dir] => Plan(scale, dir),
    ["analyze", var dir] => Analyze(dir),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ladder-bench plan cpu|gpu DIR | ladder-bench analyze DIR");
    return 2;
}

static int Plan(string scale, string dir)
{
    var study = Studies.For(scale);
    Directory.CreateDirectory(dir);
    var lines = new List<string>();
    foreach (var (kind, json) in new[] { ("grid", study.Grid), ("ladder", study.Ladder) })
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(json, errors) ?? throw new InvalidOperationException(errors.ToString());
        var runs = SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors) ?? throw new InvalidOperationException(errors.ToString());
        File.WriteAllText(Path.Combine(dir, kind + ".spec.json"), json);
        var names = runs.Select((r, i) => (r.RunId, Name: $"{kind}-{i:D2}")).ToDictionary(x => x.RunId, x => x.Name);
        foreach (var run in runs)
        {
            var name = names[run.RunId];
            // Standalone, a branch names its parent's checkpoint file instead of its run id.
            File.WriteAllText(Path.Combine(dir, name + ".json"), JsonSerializer.Serialize(run.Config with { InitFrom = null }, SpecJson.Indented));
            var branchPoints = runs.Where(b => b.Config.InitFrom?.Run == run.RunId).Select(b => b.FirstStep).Order().ToList();
            var parent = run.Config.InitFrom is { } from ? $"{names[from.Run]}/checkpoints/step-{from.Step}.ckpt" : "-";
            lines.Add(string.Join('\t', run.Config.InitFrom is null ? 1 : 2, name, branchPoints.Count == 0 ? "-" : string.Join(',', branchPoints), parent,
                run.Name.Replace('\t', ' ')));
        }
    }
    File.WriteAllLines(Path.Combine(dir, "plan.tsv"), lines);
    Console.WriteLine($"{lines.Count} runs planned in {dir}");
    return 0;
}

static int Analyze(string dir)
{
    var rows = File.ReadAllLines(Path.Combine(dir, "plan.tsv")).Select(l => l.Split('\t')).ToList();
    var results = new Dictionary<string, List<(ScalingPoint Point, double Spent, double Seconds)>>();
    foreach (var row in rows)
    {
        var name = row[1];
        var config = JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(Path.Combine(dir, name + ".json")), SpecJson.Options)!;
        var summaryLine = File.ReadLines(Path.Combine(dir, name, "train.log")).LastOrDefault(l => l.Contains("\"summary\""));
        if (summaryLine is null) { Console.Error.WriteLine($"{name}: no summary; left out"); continue; }
        var summary = JsonNode.Parse(summaryLine)!;
        var n = (long)summary["non_embedding_params"]!;
        var flops = (double)summary["flops"]!;
        var resumedFrom = (int)summary["resumed_from_step"]!;
        var spent = flops * (config.Steps - resumedFrom) / config.Steps;
        var loss = (double?)summary["final_val_loss"] ?? (double)summary["final_loss"]!;
        var kind = name.Split('-')[0];
        if (!results.TryGetValue(kind, out var list)) results[kind] = list = [];
        list.Add((new ScalingPoint(n, (long)summary["tokens"]!, loss, flops), spent, (double)summary["wall_clock_s"]!));
    }

    var grid = results["grid"];
    var ladder = results["ladder"];
    var gridFit = Fit(grid.Select(r => r.Point).ToList(), FitLaw.IsoFlop);
    var gridLaw = Fit(grid.Select(r => r.Point).ToList(), FitLaw.Chinchilla);
    var ladderFit = Fit(ladder.Select(r => r.Point).ToList(), FitLaw.Chinchilla);
    var gridA = gridFit.Parameters["a"];
    var gridLawA = gridLaw.Derived["a"];
    var ladderA = ladderFit.Derived["a"];
    Console.WriteLine("| study | runs | compute spent (FLOPs) | vs grid | device time (s) | N_opt exponent a | 95% interval |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
    var gridSpent = grid.Sum(r => r.Spent);
    Console.WriteLine($"| IsoFLOP grid (approach 2) | {grid.Count} | {gridSpent:E2} | 1.00 | {grid.Sum(r => r.Seconds):F0} | {gridA.Value:F3} | [{gridA.Low:F3}, {gridA.High:F3}] |");
    Console.WriteLine($"| the grid's points, L(N, D) (approach 3) | {grid.Count} | | | | {gridLawA.Value:F3} | [{gridLawA.Low:F3}, {gridLawA.High:F3}] |");
    Console.WriteLine($"| WSD ladder (approach 3) | {ladder.Count} | {ladder.Sum(r => r.Spent):E2} | {ladder.Sum(r => r.Spent) / gridSpent:F2} | {ladder.Sum(r => r.Seconds):F0} | {ladderA.Value:F3} | [{ladderA.Low:F3}, {ladderA.High:F3}] |");
    Console.WriteLine();
    var inside = ladderA.Value >= gridA.Low && ladderA.Value <= gridA.High;
    Console.WriteLine($"The ladder's exponent {ladderA.Value:F3} is {(inside ? "inside" : "OUTSIDE")} the grid's interval [{gridA.Low:F3}, {gridA.High:F3}], " +
        $"for {ladder.Sum(r => r.Spent) / gridSpent:P0} of its compute; the same ladder points trained from scratch would cost {ladder.Sum(r => r.Point.Flops!.Value) / gridSpent:F2}x the grid.");
    Console.WriteLine($"Against the same approach on the grid's points: {(ladderA.Value >= gridLawA.Low && ladderA.Value <= gridLawA.High ? "inside" : "OUTSIDE")} [{gridLawA.Low:F3}, {gridLawA.High:F3}].");
    Console.WriteLine($"Grid law: E={gridLaw.Parameters["E"].Value:F3}, alpha={gridLaw.Parameters["alpha"].Value:F3}, beta={gridLaw.Parameters["beta"].Value:F3}. Ladder law: E={ladderFit.Parameters["E"].Value:F3}, alpha={ladderFit.Parameters["alpha"].Value:F3}, beta={ladderFit.Parameters["beta"].Value:F3}; " +
        $"grid: {gridFit.Profiles.Count} IsoFLOP profiles; warnings: grid [{string.Join("; ", gridFit.Warnings)}], ladder [{string.Join("; ", ladderFit.Warnings)}]");
    PredictBranches(dir, rows);
    return 0;
}

// Each branch's final training loss predicted before it trained: the annealing law (Tissue et al. 2024) fitted on its
// trunk's curve (stable phase and cooldown) and on the trunk's points up to the branch point, as the API does.
static void PredictBranches(string dir, List<string[]> rows)
{
    RunConfig Config(string name) => JsonSerializer.Deserialize<RunConfig>(File.ReadAllText(Path.Combine(dir, name + ".json")), SpecJson.Options)!;
    List<CurvePoint> Losses(string name) => File.ReadLines(Path.Combine(dir, name, "metrics.jsonl")).Select(l => JsonNode.Parse(l)!)
        .Where(n => n[MetricNames.Loss] is not null).Select(n => new CurvePoint((int)n["step"]!, (double)n[MetricNames.Loss]!)).ToList();
    var errors = new List<(double Error, bool Covered, double Naive)>();
    foreach (var row in rows.Where(r => r[3] != "-"))
    {
        var trunk = row[3].Split('/')[0];
        var step = int.Parse(row[3].Split("step-")[1].Split('.')[0], CultureInfo.InvariantCulture);
        if (!File.Exists(Path.Combine(dir, row[1], "metrics.jsonl")) || !File.Exists(Path.Combine(dir, trunk, "metrics.jsonl"))) continue;
        var branch = Config(row[1]);
        var trunkPoints = Losses(trunk);
        var actual = Losses(row[1]).Last();
        if (actual.Step != branch.Steps) continue;
        var known = LossCurve.Of(branch, trunkPoints.Where(p => p.Step <= step).ToList());
        var prediction = LossCurvePredictor.Predict(known, [LossCurve.Of(Config(trunk), trunkPoints)]);
        var atBranch = trunkPoints.Where(p => p.Step <= step).DefaultIfEmpty(new CurvePoint(0, double.NaN)).Last().Loss;
        Console.Error.WriteLine($"{row[1]}: actual {actual.Loss:F4}, predicted {(prediction is null ? "refused" : $"{prediction.Loss:F4} [{prediction.Low:F4}, {prediction.High:F4}]")}, trunk at the branch point {atBranch:F4}");
        if (prediction is not null)
            errors.Add((Math.Abs(prediction.Loss - actual.Loss), actual.Loss >= prediction.Low && actual.Loss <= prediction.High, Math.Abs(atBranch - actual.Loss)));
    }
    if (errors.Count == 0) return;
    double Quantile(IEnumerable<double> v, double q) { var s = v.Order().ToList(); return s[(int)Math.Min(s.Count - 1, Math.Floor(q * s.Count))]; }
    Console.WriteLine();
    Console.WriteLine("| branches predicted before training | median error | p90 | covered (90 %) | trunk's loss at the branch point: median error |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    Console.WriteLine($"| {errors.Count} | {Quantile(errors.Select(e => e.Error), 0.5):F4} | {Quantile(errors.Select(e => e.Error), 0.9):F4} | {errors.Count(e => e.Covered)} of {errors.Count} | {Quantile(errors.Select(e => e.Naive), 0.5):F4} |");
}

static GroupFit Fit(IReadOnlyList<ScalingPoint> points, FitLaw law)
{
    var errors = new ValidationErrors();
    var result = ScalingAnalysis.Run(points, new FitOptions { Law = law, Bootstrap = 200, Seed = 1 }, errors)
        ?? throw new InvalidOperationException($"{law} fit refused: {errors}");
    return result.Groups.Single();
}

/// <summary>The two studies at each scale: the grid's budgets and sizes, and a ladder over the region where they fall.</summary>
internal sealed record Studies(string Grid, string Ladder)
{
    public static Studies For(string scale) => scale switch
    {
        // 2-core CPU: a few minutes for the grid.
        "cpu" => Make(CpuBase, "[1e10, 3.16e10, 1e11, 3.16e11]", "[5000, 10000, 20000, 40000]", "[5, 10, 20, 40]", 16, 8),
        // One H200: the same design at a thousand times the compute.
        "gpu" => Make(GpuBase, "[1e13, 3.16e13, 1e14, 3.16e14]", "[160000, 320000, 640000, 1280000]", "[5, 10, 20, 40]", 32, 16),
        _ => throw new ArgumentException($"scale must be cpu or gpu, not {scale}"),
    };

    private const string CpuBase = """{"task":"hmm","hmmStates":64,"hmmVocab":128,"seqLen":64,"batchSize":16,"learningRate":0.01,"warmupSteps":20,"evalInterval":1000000,"logInterval":10,"checkpointInterval":0,"finalEvalTokens":65536}""";

    private const string GpuBase = """{"task":"hmm","hmmStates":1024,"hmmVocab":512,"seqLen":256,"batchSize":16,"learningRate":0.003,"warmupSteps":20,"evalInterval":1000000,"evalBatches":16,"logInterval":50,"checkpointInterval":0,"finalEvalTokens":0}""";

    private static Studies Make(string baseJson, string budgets, string sizes, string tokensPerParameter, int aspectRatio, int headDim) => new(
        $$$"""{"name":"grid","kind":"isoflop","base":{{{baseJson}}},"isoflop":{"budgets":{{{budgets}}},"sizesPerBudget":5,"spread":4,"aspectRatio":{{{aspectRatio}}},"headDim":{{{headDim}}}}}""",
        $$$"""{"name":"ladder","kind":"ladder","base":{{{baseJson}}},"ladder":{"sizes":{{{sizes}}},"tokensPerParameter":{{{tokensPerParameter}}},"cooldown":0.2,"cooldownShape":"1-sqrt","aspectRatio":{{{aspectRatio}}},"headDim":{{{headDim}}}}}""");
}
