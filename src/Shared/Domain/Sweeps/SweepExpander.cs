using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Validation;

namespace ScaleLab.Sweeps;

/// <summary>
/// Turns a spec into the runs it means: the kind's design points (grid: the base alone; random: sampled configs;
/// isoflop: budgets x sizes; ablation: the base and its one-factor variations; ladder: sizes x budgets, each size's
/// smaller budgets branching off its largest), each crossed with the axes.
/// </summary>
public static class SweepExpander
{
    /// <summary>An IsoFLOP run may miss its budget by this fraction through whole-step rounding, no more.</summary>
    public const double MaxBudgetMiss = 0.1;

    /// <summary>
    /// A point of the study's design before the axes: the fields it sets, where the user wrote them, its budget; for a
    /// ladder's branch, the tokens of the trunk it branches off (the same config, longer).
    /// </summary>
    private sealed record DesignPoint(string Name, JsonObject Overrides, IReadOnlyDictionary<string, string> Origins, double? Budget, long? TrunkTokens = null);

    public static IReadOnlyList<PlannedRun>? Expand(Guid sweepId, SweepSpec spec, SweepLimits limits, ValidationErrors errors)
    {
        // Counted before anything is made, so a design of a billion runs costs nothing to refuse.
        var (designSize, what) = DesignSize(spec);
        var axesSize = spec.Axes.Aggregate(1.0, (n, axis) => n * axis.Values.Count);
        if (designSize * axesSize > limits.MaxRuns)
        {
            var field = designSize > limits.MaxRuns || spec.Axes.Count == 0 ? spec.Kind : "axes";
            var expansion = spec.Axes.Count == 0 ? what : $"{what} x {Scaling.NumberFormat.Short(axesSize)} axis combinations";
            errors.Add(field, $"the sweep expands to {Scaling.NumberFormat.Short(designSize * axesSize)} runs ({expansion}); the limit is {limits.MaxRuns}");
            return null;
        }
        if (spec.Kind is StudyKinds.IsoFlop or StudyKinds.Ladder && !Mixers.AreKnown(spec.Base))
        {
            // Sizing counts the base's layers; say what is wrong with them instead.
            RunConfigValidator.Validate(spec.Base, errors, field => "base." + field);
            return null;
        }
        var design = DesignPoints(spec).ToList();
        var runCount = design.Count * axesSize;

        var baseNode = JsonSerializer.SerializeToNode(spec.Base, SpecJson.Options)!.AsObject();
        var axisValues = spec.Axes.Select(a => a.Values.Select(v => JsonNode.Parse(v)).ToArray()).ToArray();
        var axisIndex = spec.Axes.Select((a, i) => (a.Parameter, i)).ToDictionary(x => x.Parameter, x => x.i);

        var runs = new List<PlannedRun>((int)runCount);
        var names = new Dictionary<Guid, string>();
        var totalFlops = 0.0;
        foreach (var point in design)
        {
            var odometer = new int[spec.Axes.Count];
            for (var n = 0; n < (int)(runCount / design.Count) && !errors.IsFull; n++)
            {
                var node = baseNode.DeepClone().AsObject();
                foreach (var (field, value) in point.Overrides) node[field] = value?.DeepClone();
                for (var a = 0; a < odometer.Length; a++) node[spec.Axes[a].Parameter] = axisValues[a][odometer[a]]?.DeepClone();

                string FieldName(string field) =>
                    axisIndex.TryGetValue(field, out var a) ? $"axes.{field}[{odometer[a]}]"
                    : point.Origins.TryGetValue(field, out var origin) ? origin
                    : $"base.{field}";

                var config = SweepSpecParser.DeserializeConfig(node, errors, "axes", FieldName);
                var runErrors = new ValidationErrors();
                if (config is not null && point.Budget is { } budget && Mixers.AreKnown(config))
                    config = config with { Tokens = ModelSizing.TokensForCompute(config, budget, spec.Counting) };
                if (config is not null) RunConfigValidator.Validate(config, runErrors, FieldName);
                if (config is not null && point.TrunkTokens is { } trunkTokens && runErrors.IsEmpty)
                    config = Branch(sweepId, config, trunkTokens, runErrors, FieldName("tokens"));
                errors.AddAll(runErrors);
                if (config is not null && runErrors.IsEmpty) // the accounting needs a trainable config
                {
                    var total = TransformerShape.TotalParameters(config);
                    if (total > limits.MaxParameters)
                        errors.Add(FieldName("dModel"), $"a run has {total:N0} parameters; the limit is {limits.MaxParameters:N0}");
                    var flops = StudyAccounting.TrainingFlops(config, spec.Counting);
                    if (point.Budget is { } c && Math.Abs(flops / c - 1) > MaxBudgetMiss)
                        errors.Add(FieldName("tokens"), $"a budget of {Scaling.NumberFormat.Short(c)} FLOPs cannot be met by {point.Name} in whole steps " +
                            $"(one step costs {Scaling.NumberFormat.Short(StudyAccounting.FlopsPerToken(config, spec.Counting) * config.TokensPerStep)}); raise the budget or shrink batchSize x seqLen");
                    var axisName = string.Join(", ", spec.Axes.Select((axis, a) => $"{axis.Parameter}={axis.Values[odometer[a]]}"));
                    var name = string.Join(", ", new[] { point.Name, axisName }.Where(s => s.Length > 0)) is { Length: > 0 } joined ? joined : "base";
                    var runId = RunIdFor(sweepId, config);
                    if (names.TryGetValue(runId, out var twin))
                    {
                        if (spec.Kind == StudyKinds.Random) { Advance(odometer, spec.Axes); continue; } // a repeated sample is trained once
                        errors.Add(spec.Kind switch { StudyKinds.Ablation => "ablation.variations", StudyKinds.Ladder => "ladder.tokensPerParameter", _ => "axes" },
                            $"runs '{twin}' and '{name}' would be identical");
                    }
                    names[runId] = name;
                    var run = new PlannedRun(runId, name, config, TransformerShape.NonEmbeddingParameters(config), total, flops);
                    totalFlops += run.OwnFlops;
                    runs.Add(run);
                }
                Advance(odometer, spec.Axes);
            }
        }

        if (totalFlops > limits.MaxTotalFlops)
            errors.Add(spec.Axes.Count > 0 ? "axes" : spec.Kind, $"the sweep needs {Scaling.NumberFormat.Short(totalFlops)} FLOPs; the limit is {Scaling.NumberFormat.Short(limits.MaxTotalFlops)}");
        if (errors.IsEmpty && spec.IsoFlop?.Adaptive is not null) AdaptiveSweep.CheckStart(spec, runs, errors);
        return errors.IsEmpty ? runs : null;
    }

    /// <summary>
    /// A ladder's branch: the run of its budget, starting from its trunk's checkpoint where its own cooldown begins
    /// (before that, the two schedules agree step for step, see <see cref="Branching"/>).
    /// </summary>
    private static RunConfig? Branch(Guid sweepId, RunConfig branch, long trunkTokens, ValidationErrors errors, string field)
    {
        var trunk = branch with { Tokens = trunkTokens };
        var step = LearningRateSchedule.DecayStart(branch);
        if (step < 1)
        {
            errors.Add(field, $"a budget of {branch.Steps} steps cools down from its first step, so it has nothing to share with its trunk; raise the budget or lower the cooldown");
            return null;
        }
        if (Branching.WhyNot(trunk, branch, step) is { } why)
        {
            errors.Add(field, $"cannot branch off its trunk at step {step}: {why}");
            return null;
        }
        return branch with { InitFrom = new BranchPoint(RunIdFor(sweepId, trunk), step) };
    }

    /// <summary>A run's id is derived from its sweep and hyper-parameters, so expanding twice names the same runs.</summary>
    public static Guid RunIdFor(Guid sweepId, RunConfig config) =>
        DeterministicGuid.From(sweepId.ToString("N") + JsonSerializer.Serialize(config, SpecJson.Options));

    /// <summary>How many design points the kind makes, by arithmetic (IsoFLOP: before shapes that round alike are merged).</summary>
    private static (double Size, string What) DesignSize(SweepSpec spec)
    {
        switch (spec.Kind)
        {
            case StudyKinds.IsoFlop:
                var d = spec.IsoFlop!;
                var sizes = d.Sizes?.Count ?? d.SizesPerBudget;
                var lrs = d.LearningRates?.Count ?? 1;
                return ((double)d.Budgets.Count * sizes * lrs, $"{d.Budgets.Count} budgets x {sizes} sizes" + (lrs > 1 ? $" x {lrs} learning rates" : ""));
            case StudyKinds.Ablation:
                var arms = 1.0 + spec.Ablation!.Variations.Sum(v => (double)v.Values.Count);
                var rates = spec.Ablation.LearningRates?.Count ?? 1;
                return (arms * rates, $"{Scaling.NumberFormat.Short(arms)} arms x {rates} learning rates");
            case StudyKinds.Random:
                return (spec.Random!.Runs, $"{spec.Random.Runs} samples");
            case StudyKinds.Ladder:
                var l = spec.Ladder!;
                var ladderRates = l.LearningRates?.Count ?? 1;
                return ((double)l.Sizes.Count * l.TokensPerParameter.Count * ladderRates,
                    $"{l.Sizes.Count} sizes x {l.TokensPerParameter.Count} budgets" + (ladderRates > 1 ? $" x {ladderRates} learning rates" : ""));
            default:
                return (1, "the base run");
        }
    }

    private static IEnumerable<DesignPoint> DesignPoints(SweepSpec spec) => spec.Kind switch
    {
        StudyKinds.IsoFlop => AtEachLearningRate(IsoFlopPoints(spec.Base, spec.IsoFlop!, spec.Counting), Json(spec.IsoFlop!.LearningRates), "isoflop.learningRates"),
        StudyKinds.Ablation => AtEachLearningRate(AblationPoints(spec.Ablation!), spec.Ablation!.LearningRates, "ablation.learningRates"),
        StudyKinds.Random => RandomPoints(spec.Random!),
        // A branch names its trunk by the trunk's config, its own with the trunk's tokens: the same rate, so each rate is a ladder of its own.
        StudyKinds.Ladder => AtEachLearningRate(LadderPoints(spec.Base, spec.Ladder!, spec.Counting), Json(spec.Ladder!.LearningRates), "ladder.learningRates"),
        _ => [new DesignPoint("", [], new Dictionary<string, string>(), null)],
    };

    private static List<string>? Json(IReadOnlyList<double>? rates) => rates?.Select(lr => JsonValue.Create(lr).ToJsonString()).ToList();

    /// <summary>Per budget, the sizes (given, or log-spaced around √(C/120)), shaped by <see cref="ModelSizing"/>; shapes that round to the same model are kept once.</summary>
    private static IEnumerable<DesignPoint> IsoFlopPoints(RunConfig template, IsoFlopDesign design, Scaling.FlopAccounting accounting)
    {
        for (var b = 0; b < design.Budgets.Count; b++)
        {
            var budget = design.Budgets[b];
            var prior = ModelSizing.PriorOptimalParameters(budget);
            var targets = design.Sizes ?? Enumerable.Range(0, design.SizesPerBudget)
                .Select(i => design.SizesPerBudget == 1 ? prior : prior / design.Spread * Math.Pow(design.Spread * design.Spread, i / (design.SizesPerBudget - 1.0)))
                .ToList();
            var seen = new HashSet<(int, int)>();
            foreach (var target in targets)
            {
                var shaped = ModelSizing.ForParameters(template, target, design.AspectRatio, design.HeadDim, accounting.Parameters);
                if (!seen.Add((shaped.DModel, shaped.NLayers))) continue;
                var origin = $"isoflop.budgets[{b}]";
                yield return new DesignPoint(
                    $"C={budget:0.##E+0}, N={StudyAccounting.Parameters(shaped, accounting):0.##E+0} (d={shaped.DModel}, L={shaped.NLayers})",
                    new JsonObject { ["dModel"] = shaped.DModel, ["nLayers"] = shaped.NLayers, ["nHeads"] = shaped.NHeads },
                    new Dictionary<string, string> { ["dModel"] = origin, ["nLayers"] = origin, ["nHeads"] = origin, ["tokens"] = origin },
                    budget);
            }
        }
    }

    /// <summary>
    /// Per size, its trunk (the largest budget, warmup-stable-decay), then a branch for every smaller budget. Budgets
    /// are tokens per parameter, N counted as the study counts it; shapes that round to the same model are kept once.
    /// </summary>
    private static IEnumerable<DesignPoint> LadderPoints(RunConfig template, LadderDesign design, Scaling.FlopAccounting accounting)
    {
        var seen = new HashSet<(int, int)>();
        var budgets = design.TokensPerParameter.Select((b, k) => (Tokens: b, Index: k)).OrderByDescending(b => b.Tokens).ToList();
        for (var i = 0; i < design.Sizes.Count; i++)
        {
            var shaped = ModelSizing.ForParameters(template, design.Sizes[i], design.AspectRatio, design.HeadDim, accounting.Parameters);
            if (!seen.Add((shaped.DModel, shaped.NLayers))) continue;
            var n = StudyAccounting.Parameters(shaped, accounting);
            var size = $"ladder.sizes[{i}]";
            var trunkTokens = (long)Math.Round(budgets[0].Tokens * n);
            foreach (var (perParameter, k) in budgets)
            {
                var tokens = (long)Math.Round(perParameter * n);
                var isTrunk = k == budgets[0].Index;
                var budget = $"ladder.tokensPerParameter[{k}]";
                yield return new DesignPoint(
                    $"N={n:0.##E+0} (d={shaped.DModel}, L={shaped.NLayers}), {perParameter:0.##} tokens/param" + (isTrunk ? ", trunk" : ", branch"),
                    new JsonObject
                    {
                        ["dModel"] = shaped.DModel, ["nLayers"] = shaped.NLayers, ["nHeads"] = shaped.NHeads, ["tokens"] = tokens,
                        ["schedule"] = "wsd", ["decayFraction"] = design.Cooldown, ["cooldownShape"] = design.CooldownShape,
                    },
                    new Dictionary<string, string>
                    {
                        ["dModel"] = size, ["nLayers"] = size, ["nHeads"] = size, ["tokens"] = budget,
                        ["schedule"] = "ladder", ["decayFraction"] = "ladder.cooldown", ["cooldownShape"] = "ladder.cooldownShape",
                    },
                    null, isTrunk ? null : trunkTokens);
            }
        }
    }

    /// <summary>The base, then each variation alone.</summary>
    private static IEnumerable<DesignPoint> AblationPoints(AblationDesign design)
    {
        var arms = new List<DesignPoint> { new("base", [], new Dictionary<string, string>(), null) };
        foreach (var variation in design.Variations)
            for (var i = 0; i < variation.Values.Count; i++)
                arms.Add(new DesignPoint($"{variation.Parameter}={variation.Values[i]}",
                    new JsonObject { [variation.Parameter] = JsonNode.Parse(variation.Values[i]) },
                    new Dictionary<string, string> { [variation.Parameter] = $"ablation.variations.{variation.Parameter}[{i}]" }, null));
        return arms;
    }

    /// <summary>
    /// Every design point at each learning rate (JSON text), when the design sweeps the rate (<paramref name="field"/>,
    /// e.g. "isoflop.learningRates", names each rate's origin); the points unchanged when it does not.
    /// </summary>
    private static IEnumerable<DesignPoint> AtEachLearningRate(IEnumerable<DesignPoint> points, IReadOnlyList<string>? rates, string field) =>
        rates is null ? points : points.SelectMany(point => rates.Select((lr, j) =>
        {
            var overrides = point.Overrides.DeepClone().AsObject();
            overrides["learningRate"] = JsonNode.Parse(lr);
            var origins = new Dictionary<string, string>(point.Origins) { ["learningRate"] = $"{field}[{j}]" };
            return point with { Name = $"{point.Name}, lr={lr}", Overrides = overrides, Origins = origins };
        }));

    /// <summary>
    /// The samples of a random search, drawn from SplitMix64 seeded by the design's seed, so the same spec always
    /// expands to the same runs (and run ids). A value's errors point at its distribution.
    /// </summary>
    private static IEnumerable<DesignPoint> RandomPoints(RandomDesign design)
    {
        var rng = new Sampling.SplitMix64(Sampling.SplitMix64.Mix(design.Seed));
        for (var i = 0; i < design.Runs; i++)
        {
            var overrides = new JsonObject();
            var origins = new Dictionary<string, string>();
            foreach (var d in design.Parameters)
            {
                overrides[d.Parameter] = d.Kind switch
                {
                    "choice" => JsonNode.Parse(d.Choices![rng.Below(d.Choices.Count)]),
                    "intUniform" => JsonValue.Create((long)d.Low + (long)(rng.NextDouble() * (d.High - d.Low + 1))),
                    "logUniform" => JsonValue.Create(RoundTo4(Math.Exp(Math.Log(d.Low) + rng.NextDouble() * (Math.Log(d.High) - Math.Log(d.Low))))),
                    _ => JsonValue.Create(RoundTo4(d.Low + rng.NextDouble() * (d.High - d.Low))),
                };
                origins[d.Parameter] = $"random.parameters.{d.Parameter}";
            }
            var label = string.Join(", ", design.Parameters.Select(d => $"{d.Parameter}={overrides[d.Parameter]!.ToJsonString()}"));
            yield return new DesignPoint($"sample {i + 1}: {label}", overrides, origins, null);
        }
    }

    /// <summary>Four significant digits: readable run names, and no precision a researcher could resolve in a result.</summary>
    private static double RoundTo4(double x) => x == 0 ? 0 : Math.Round(x, Math.Max(0, 3 - (int)Math.Floor(Math.Log10(Math.Abs(x)))));

    private static void Advance(int[] odometer, IReadOnlyList<SweepAxis> axes)
    {
        for (var a = odometer.Length - 1; a >= 0; a--)
        {
            if (++odometer[a] < axes[a].Values.Count) return;
            odometer[a] = 0;
        }
    }
}
