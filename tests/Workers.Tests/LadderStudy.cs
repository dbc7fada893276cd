using ScaleLab.Scaling;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Workers.Tests;

/// <summary>
/// One question, N_opt(C)'s exponent, asked twice (issue #16; Hägele et al. 2024): of an IsoFLOP grid and of a WSD
/// ladder over the sizes and budgets where the grid's runs fall. Both specs are expanded exactly as ScaleLab expands
/// them (<see cref="SweepSpecParser"/>, <see cref="SweepExpander"/>). LadderAgainstGridTests trains the CPU scale in
/// process; bench/LadderBench (which links this file) plans either scale for the standalone trainer.
/// </summary>
public sealed record LadderStudy(string Grid, string Ladder)
{
    public const string GridName = "grid", LadderName = "ladder";

    /// <summary>
    /// One run of either study, named by its study and its place in the expansion ("grid-03", "ladder-07"), as ScaleLab
    /// would count it (<see cref="Counting"/>). A trunk lists the steps its branches start from; a branch names its trunk.
    /// </summary>
    public sealed record Run(string Study, string Name, PlannedRun Planned, FlopAccounting Counting, IReadOnlyList<int> BranchPoints, string? Trunk)
    {
        /// <summary>The point a fit sees once it has trained, built as ScaleLab's SweepPoints builds it: N as the study counts it, C its whole training's planned FLOPs.</summary>
        public ScalingPoint Point(double loss, long tokens) =>
            new(Counting.Parameters == ParameterCount.Total ? Planned.TotalParameters : Planned.NonEmbeddingParameters, tokens, loss, Planned.Flops);
    }

    public static LadderStudy For(string scale) => scale switch
    {
        "cpu" => Cpu,
        // One H200, with runs of a thousand times the CPU's compute (bench/results/2026-12-02-ladder-gpu).
        "gpu" => new(
            Spec("grid", StudyKinds.IsoFlop, GpuBase, """{"budgets":[1e13,3.16e13,1e14,3.16e14],"sizesPerBudget":5,"spread":4,"aspectRatio":32,"headDim":16}"""),
            Spec("ladder", StudyKinds.Ladder, GpuBase, """{"sizes":[160000,320000,640000,1280000],"tokensPerParameter":[5,10,20,40],"cooldown":0.2,"cooldownShape":"1-sqrt","aspectRatio":32,"headDim":16}""")),
        _ => throw new ArgumentException($"scale must be cpu or gpu, not {scale}", nameof(scale)),
    };

    /// <summary>
    /// Two cores, about 70 s (LadderAgainstGridTests). Task hmm (64 states, 128 tokens), T 32, B 8: more
    /// optimizer steps per FLOP than the T 64, B 16 tried first, under which the smallest size won at every budget.
    /// Peak rate 5e-3: at 1e-2 a run's final loss moved by 0.05 with its seed, as much as neighbouring sizes differ; at
    /// 3e-3 the smallest budget's best size was the smallest one tried.
    /// Grid: 3 budgets 4x apart, 7 sizes each over ×/÷ 4 around ScaleLab's prior √(C/120): the minima fall near half the
    /// prior, and 5 sizes over ×/÷ 3 left the middle budget's lowest loss at its smallest size in 4 seeds of 6 (without
    /// a minimum in 2).
    /// Ladder: one-layer models of 8 to 32 channels (0.86k to 12.6k parameters) × 8 to 128 tokens per parameter, over
    /// the grid's minima; aspect ratio 16 so that the smallest is one 8-wide head (under 32 no layer is narrower than
    /// 16). Without it, 4 sizes from 3.4k to 20k, the ladder's L(N, D) fell into one of two fits by seed (a near 0.4, or
    /// near 0.15).
    /// </summary>
    private static LadderStudy Cpu { get; } = new(
        Spec("grid", StudyKinds.IsoFlop, CpuBase, """{"budgets":[1e10,4e10,1.6e11],"sizesPerBudget":7,"spread":4,"aspectRatio":32,"headDim":8}"""),
        Spec("ladder", StudyKinds.Ladder, CpuBase, """{"sizes":[1000,3400,7000,12600],"tokensPerParameter":[8,16,32,64,128],"cooldown":0.2,"cooldownShape":"1-sqrt","aspectRatio":16,"headDim":8}"""));

    private const string CpuBase = """{"task":"hmm","hmmStates":64,"hmmVocab":128,"seqLen":32,"batchSize":8,"learningRate":0.005,"warmupSteps":10,"evalInterval":1000000,"logInterval":10,"checkpointInterval":0,"finalEvalTokens":65536}""";

    private const string GpuBase = """{"task":"hmm","hmmStates":1024,"hmmVocab":512,"seqLen":256,"batchSize":16,"learningRate":0.003,"warmupSteps":20,"evalInterval":1000000,"evalBatches":16,"logInterval":50,"checkpointInterval":0,"finalEvalTokens":0}""";

    /// <summary>A study's spec as a researcher would submit it: a base config and the design of its kind.</summary>
    private static string Spec(string name, string kind, string baseJson, string design) =>
        $$$"""{"name":"{{{name}}}","kind":"{{{kind}}}","base":{{{baseJson}}},"{{{kind}}}":{{{design}}}}""";

    /// <summary>Every run of the grid, then every run of the ladder, in the order ScaleLab expands them.</summary>
    public IReadOnlyList<Run> Plan() => [.. Expand(GridName, Grid), .. Expand(LadderName, Ladder)];

    private static IEnumerable<Run> Expand(string study, string json)
    {
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(json, errors) ?? throw new InvalidOperationException($"{study}: {errors}");
        var runs = SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors) ?? throw new InvalidOperationException($"{study}: {errors}");
        var names = runs.Select((r, i) => (r.RunId, Name: $"{study}-{i:D2}")).ToDictionary(x => x.RunId, x => x.Name);
        return runs.Select(run => new Run(study, names[run.RunId], run, spec.Counting,
            runs.Where(b => b.Config.InitFrom?.Run == run.RunId).Select(b => b.FirstStep).Order().ToList(),
            run.Config.InitFrom is { } from ? names[from.Run] : null));
    }
}
