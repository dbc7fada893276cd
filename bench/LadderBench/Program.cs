using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.LossCurves;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using ScaleLab.Workers.Tests;

// The same question, N_opt(C)'s exponent, answered by an IsoFLOP grid and by a WSD ladder (issue #16, Hägele et al.
// 2024): `plan SCALE DIR` expands both studies of LadderStudy exactly as ScaleLab would (SweepExpander) and writes each
// run's config and DIR/plan.tsv (phase, name, branch points, parent, run name); bench/ladder.sh trains them with the
// standalone trainer; `analyze DIR` reads each run's summary and compares the studies with LadderComparison: the grid
// fitted by IsoFLOP profiles (approach 2), the ladder by L(N, D) (approach 3), the compute each spent, the exponents
// with their bootstrap intervals, and whether the ladder's exponent falls inside the grid's interval. Both files are
// shared with the test that trains the CPU scale in process (tests/Workers.Tests/LadderAgainstGridTests.cs).
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
    var study = LadderStudy.For(scale);
    Directory.CreateDirectory(dir);
    File.WriteAllText(Path.Combine(dir, "grid.spec.json"), study.Grid);
    File.WriteAllText(Path.Combine(dir, "ladder.spec.json"), study.Ladder);
    var lines = new List<string>();
    foreach (var run in study.Plan())
    {
        // Standalone, a branch names its parent's checkpoint file instead of its run id.
        File.WriteAllText(Path.Combine(dir, run.Name + ".json"), JsonSerializer.Serialize(run.Planned.Config with { InitFrom = null }, SpecJson.Indented));
        var parent = run.Trunk is null ? "-" : $"{run.Trunk}/checkpoints/step-{run.Planned.FirstStep}.ckpt";
        lines.Add(string.Join('\t', run.Trunk is null ? 1 : 2, run.Name, run.BranchPoints.Count == 0 ? "-" : string.Join(',', run.BranchPoints), parent,
            run.Planned.Name.Replace('\t', ' ')));
    }
    File.WriteAllLines(Path.Combine(dir, "plan.tsv"), lines);
    Console.WriteLine($"{lines.Count} runs planned in {dir}");
    return 0;
}

static int Analyze(string dir)
{
    var rows = File.ReadAllLines(Path.Combine(dir, "plan.tsv")).Select(l => l.Split('\t')).ToList();
    // The runs as planned, expanded again from the specs the plan kept: their names are their places in the expansion.
    var study = new LadderStudy(File.ReadAllText(Path.Combine(dir, "grid.spec.json")), File.ReadAllText(Path.Combine(dir, "ladder.spec.json")));
    var trained = new List<LadderComparison.Trained>();
    foreach (var run in study.Plan())
    {
        var log = Path.Combine(dir, run.Name, "train.log");
        var summaryLine = File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.Contains("\"summary\"")) : null;
        if (summaryLine is null) { Console.Error.WriteLine($"{run.Name}: no summary; left out"); continue; }
        var summary = JsonNode.Parse(summaryLine)!;
        var loss = (double?)summary["final_val_loss"] ?? (double)summary["final_loss"]!;
        trained.Add(new LadderComparison.Trained(run, loss, (long)summary["tokens"]!, (double)summary["wall_clock_s"]!));
    }

    var comparison = LadderComparison.Of(trained);
    foreach (var line in comparison.Table()) Console.WriteLine(line);
    var (gridLaw, ladderLaw, gridFit) = (comparison.GridLaw, comparison.LadderLaw, comparison.GridProfiles);
    Console.WriteLine($"Grid law: E={gridLaw.Parameters["E"].Value:F3}, alpha={gridLaw.Parameters["alpha"].Value:F3}, beta={gridLaw.Parameters["beta"].Value:F3}. Ladder law: E={ladderLaw.Parameters["E"].Value:F3}, alpha={ladderLaw.Parameters["alpha"].Value:F3}, beta={ladderLaw.Parameters["beta"].Value:F3}; " +
        $"grid: {gridFit.Profiles.Count} IsoFLOP profiles; warnings: grid [{string.Join("; ", gridFit.Warnings)}], ladder [{string.Join("; ", ladderLaw.Warnings)}]");
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
