using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Runs;
using ScaleLab.Scaling;
using ScaleLab.Validation;

namespace ScaleLab.Sweeps;

/// <summary>Reads and checks the "isoflop", "ablation" and "random" sections of a spec.</summary>
internal static class StudyDesignParser
{
    public const int MaxBudgets = 50, MaxSizes = 50, MaxLearningRates = 20;

    public static IsoFlopDesign? ReadIsoFlop(JsonNode node, ValidationErrors errors)
    {
        var design = Deserialize<IsoFlopDesign>(node, "isoflop", "budgets, sizes, sizesPerBudget, spread, aspectRatio, headDim, learningRates, adaptive", errors);
        if (design?.Budgets is not { Count: > 0 } budgets)
        {
            errors.Add("isoflop.budgets", "must list at least one compute budget in FLOPs");
            return null;
        }
        if (budgets.Count > MaxBudgets) errors.Add("isoflop.budgets", $"at most {MaxBudgets} budgets");
        for (var i = 0; i < budgets.Count; i++)
            if (!(double.IsFinite(budgets[i]) && budgets[i] >= 1e6)) errors.Add($"isoflop.budgets[{i}]", "must be a number of FLOPs of at least 1e6");
        if (budgets.Distinct().Count() != budgets.Count) errors.Add("isoflop.budgets", "lists a budget more than once");
        if (design.Sizes is { } sizes)
        {
            if (sizes.Count is 0 or > MaxSizes) errors.Add("isoflop.sizes", $"must list 1 to {MaxSizes} non-embedding parameter counts");
            for (var i = 0; i < sizes.Count; i++)
                if (!(double.IsFinite(sizes[i]) && sizes[i] >= 1000)) errors.Add($"isoflop.sizes[{i}]", "must be a parameter count of at least 1000");
        }
        if (design.SizesPerBudget is < 1 or > MaxSizes) errors.Add("isoflop.sizesPerBudget", $"must be between 1 and {MaxSizes}");
        if (!(design.Spread is > 1 and <= 1000)) errors.Add("isoflop.spread", "must be a factor above 1 (sizes span optimum / spread .. optimum x spread)");
        if (design.AspectRatio is < 1 or > 1024) errors.Add("isoflop.aspectRatio", "must be between 1 and 1024 (d_model per layer)");
        if (design.HeadDim is < 8 or > 256) errors.Add("isoflop.headDim", "must be between 8 and 256");
        CheckLearningRates(design.LearningRates, "isoflop", "(budget, size) point", errors);
        if (design.Adaptive is { } adaptive) CheckAdaptive(adaptive, design, errors);
        return design;
    }

    private static void CheckAdaptive(AdaptiveSpec adaptive, IsoFlopDesign design, ValidationErrors errors)
    {
        if (!AdaptiveSpec.Targets.Contains(adaptive.Target))
            errors.Add("isoflop.adaptive.target", $"unknown target '{adaptive.Target}'; expected {string.Join(" or ", AdaptiveSpec.Targets)}");
        if (!(double.IsFinite(adaptive.TargetWidth) && adaptive.TargetWidth is > 0 and < 10))
            errors.Add("isoflop.adaptive.targetWidth", "is required: the width of the target's bootstrap interval at which the study stops, above 0 (e.g. 0.05 for a ± 0.025)");
        if (!(adaptive.MaxComputeFraction is > 0 and <= 1))
            errors.Add("isoflop.adaptive.maxComputeFraction", "must be in (0, 1]: the share of the whole grid's compute the study may spend");
        if (adaptive.RunsPerRound is < 1 or > AdaptiveSpec.MaxRunsPerRound)
            errors.Add("isoflop.adaptive.runsPerRound", $"must be between 1 and {AdaptiveSpec.MaxRunsPerRound}: the runs kept training at once");
        if (design.LearningRates is not null)
            errors.Add("isoflop.adaptive", "cannot be combined with isoflop.learningRates: the design chooses points, and a point at several rates is several runs; tune the rate first");
        if (design.Budgets.Count < 2)
            errors.Add("isoflop.adaptive", "needs at least 2 budgets: an N_opt exponent needs two IsoFLOP profiles");
        var candidates = design.Budgets.Count * (design.Sizes?.Count ?? design.SizesPerBudget) * (adaptive.Target == AdaptiveSpec.CrossingCompute ? 2 : 1);
        if (AdaptiveSpec.Targets.Contains(adaptive.Target) && candidates > adaptive.MaxCandidates)
            errors.Add("isoflop.adaptive", $"offers {candidates} candidate runs (budgets x sizes, x 2 architectures for a crossing); an adaptive design for {adaptive.Target} scores every one at each step, so at most {adaptive.MaxCandidates}");
        if ((design.Sizes?.Count ?? design.SizesPerBudget) < IsoFlopAnalysis.MinPointsPerBudget)
            errors.Add("isoflop.adaptive", $"needs at least {IsoFlopAnalysis.MinPointsPerBudget} sizes per budget: an IsoFLOP parabola needs three");
    }

    /// <summary>
    /// A design section read as its record; a JSON error becomes a problem naming the field (an unknown one listed
    /// against <paramref name="expected"/>), and null is returned.
    /// </summary>
    public static T? Deserialize<T>(JsonNode node, string section, string expected, ValidationErrors errors) where T : class
    {
        try
        {
            return node.Deserialize<T>(SpecJson.Options);
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 2 } p ? section + "." + p.TrimStart('$', '.') : section;
            errors.Add(path, ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"unknown field; expected {expected}"
                : "has the wrong type or an out-of-range number");
            return null;
        }
    }

    /// <summary>A design's learning rates per point (null: the base's one rate): 1 to <see cref="MaxLearningRates"/> distinct rates in (0, 1].</summary>
    public static void CheckLearningRates(IReadOnlyList<double>? rates, string section, string point, ValidationErrors errors)
    {
        if (rates is null) return;
        if (rates.Count is 0 or > MaxLearningRates) errors.Add($"{section}.learningRates", $"must list 1 to {MaxLearningRates} learning rates, each {point} trained at every one");
        for (var i = 0; i < rates.Count; i++)
            if (!(double.IsFinite(rates[i]) && rates[i] is > 0 and <= 1)) errors.Add($"{section}.learningRates[{i}]", "must be a learning rate in (0, 1]");
        if (rates.Distinct().Count() != rates.Count) errors.Add($"{section}.learningRates", "lists a rate more than once");
    }

    public static AblationDesign? ReadAblation(JsonNode node, ValidationErrors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("ablation", "must be an object with 'variations' (and optionally 'learningRates')");
            return null;
        }
        foreach (var (key, _) in obj)
            if (key is not ("variations" or "learningRates")) errors.Add($"ablation.{key}", "unknown field; expected variations, learningRates");
        var variations = SweepSpecParser.ReadAxes(obj["variations"], "ablation.variations", errors);
        if (variations.Count == 0 && obj["variations"] is not null && errors.IsEmpty) errors.Add("ablation.variations", "must vary at least one field");
        IReadOnlyList<string>? rates = null;
        if (obj["learningRates"] is { } lr)
        {
            if (lr is not JsonArray array || array.Count == 0) errors.Add("ablation.learningRates", "must be a non-empty list of learning rates");
            else rates = array.Select(v => v?.ToJsonString() ?? "null").ToList();
        }
        return new AblationDesign(variations, rates);
    }

    public const int MaxRandomParameters = 32, MaxChoices = 100;
    private static readonly string[] DistributionKinds = ["uniform", "logUniform", "intUniform", "choice"];

    public static RandomDesign? ReadRandom(JsonNode node, ValidationErrors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("random", "must be an object with 'runs', 'parameters' (and optionally 'seed')");
            return null;
        }
        foreach (var (key, _) in obj)
            if (key is not ("runs" or "seed" or "parameters")) errors.Add($"random.{key}", "unknown field; expected runs, seed, parameters");
        var runs = 0;
        if (obj["runs"] is not JsonValue r || r.GetValueKind() != JsonValueKind.Number || !r.TryGetValue(out runs) || runs < 1)
            errors.Add("random.runs", "must be a positive whole number: the budget of sampled runs");
        ulong seed = 0;
        if (obj["seed"] is { } s && (s.GetValueKind() != JsonValueKind.Number || !s.AsValue().TryGetValue(out seed)))
            errors.Add("random.seed", "must be a non-negative whole number");
        if (obj["parameters"] is not JsonObject parameters || parameters.Count == 0)
        {
            errors.Add("random.parameters", "must map at least one run-config field to a distribution, e.g. {\"learningRate\": {\"logUniform\": [1e-4, 1e-2]}}");
            return null;
        }
        if (parameters.Count > MaxRandomParameters) errors.Add("random.parameters", $"at most {MaxRandomParameters} fields");
        var distributions = new List<ParameterDistribution>();
        foreach (var (field, spec) in parameters)
            if (ReadDistribution(field, spec, errors) is { } d) distributions.Add(d);
        return new RandomDesign(runs, seed, distributions);
    }

    private static ParameterDistribution? ReadDistribution(string field, JsonNode? node, ValidationErrors errors)
    {
        var path = $"random.parameters.{field}";
        if (!SweepSpecParser.AxisParameters.Contains(field))
        {
            errors.Add(path, $"unknown run-config field; fields are: {string.Join(", ", SweepSpecParser.AxisParameters.Order())}");
            return null;
        }
        if (node is not JsonObject { Count: 1 } obj || !DistributionKinds.Contains(obj.First().Key))
        {
            errors.Add(path, $"must be one distribution: {{\"uniform\"|\"logUniform\"|\"intUniform\": [low, high]}} or {{\"choice\": [values]}}");
            return null;
        }
        var (kind, values) = (obj.First().Key, obj.First().Value as JsonArray);
        if (kind == "choice")
        {
            if (values is not { Count: > 0 and <= MaxChoices }) errors.Add($"{path}.choice", $"must list 1 to {MaxChoices} values");
            else return new ParameterDistribution(field, kind, 0, 0, values.Select(v => v?.ToJsonString() ?? "null").ToList());
            return null;
        }
        double low = 0, high = 0;
        var bounds = values is { Count: 2 } && values[0] is JsonValue a && a.TryGetValue(out low) && values[1] is JsonValue b && b.TryGetValue(out high);
        if (!bounds || !double.IsFinite(low) || !double.IsFinite(high) || low > high)
            errors.Add($"{path}.{kind}", "must be [low, high] with finite low <= high");
        else if (kind == "logUniform" && low <= 0) errors.Add($"{path}.{kind}", "needs low > 0");
        else if (kind == "intUniform" && (low != Math.Floor(low) || high != Math.Floor(high) || Math.Abs(low) > int.MaxValue || Math.Abs(high) > int.MaxValue))
            errors.Add($"{path}.{kind}", "needs whole-number bounds");
        else return new ParameterDistribution(field, kind, low, high, null);
        return null;
    }

    /// <summary>"accounting": {"parameters": "nonEmbedding"|"total", "compute": "exact"|"6ND"}; either may be left out.</summary>
    public static Scaling.FlopAccounting? ReadAccounting(JsonNode node, ValidationErrors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("accounting", "must be an object: {\"parameters\": \"nonEmbedding\" or \"total\", \"compute\": \"exact\" or \"6ND\"}");
            return null;
        }
        foreach (var (key, _) in obj)
            if (key is not ("parameters" or "compute")) errors.Add($"accounting.{key}", "unknown field; expected parameters, compute");
        var result = Scaling.FlopAccounting.Default;
        if (obj["parameters"] is { } p)
        {
            if (p is JsonValue v && v.TryGetValue<string>(out var name) && Scaling.FlopAccounting.ParameterNames.TryGetValue(name, out var count)) result = result with { Parameters = count };
            else errors.Add("accounting.parameters", "must be \"nonEmbedding\" (N without the embeddings, as Kaplan et al.) or \"total\" (as Hoffmann et al.)");
        }
        if (obj["compute"] is { } c)
        {
            if (c is JsonValue v && v.TryGetValue<string>(out var name) && Scaling.FlopAccounting.ComputeNames.TryGetValue(name, out var convention)) result = result with { Compute = convention };
            else errors.Add("accounting.compute", "must be \"exact\" (the architecture's FLOPs per token, LM head and attention included) or \"6ND\"");
        }
        return result;
    }

    private static readonly string[] AshaFields = ["method", "metric", "mode", "reductionFactor", "gracePeriod"];
    private static readonly string[] LawFields = ["method", "metric", "at", "keep"];
    public const int MaxJudgements = 10;

    public static EarlyStopping? ReadEarlyStopping(JsonNode node, ValidationErrors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add("earlyStopping", "must be an object: {\"method\": \"asha\", \"metric\", \"mode\", \"reductionFactor\", \"gracePeriod\"} or {\"method\": \"law\", \"at\", \"keep\"}");
            return null;
        }
        var method = obj["method"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : obj["method"] is null ? EarlyStoppingMethods.Asha : null;
        if (method is null || !EarlyStoppingMethods.All.Contains(method))
        {
            errors.Add("earlyStopping.method", $"must be one of: {string.Join(", ", EarlyStoppingMethods.All)}");
            return null;
        }
        var fields = method == EarlyStoppingMethods.Law ? LawFields : AshaFields;
        foreach (var (key, _) in obj)
            if (!fields.Contains(key))
                errors.Add($"earlyStopping.{key}", $"unknown field for method {method}; expected {string.Join(", ", fields)}");
        EarlyStopping? rule;
        try { rule = obj.Deserialize<EarlyStopping>(SpecJson.Options); }
        catch (JsonException) { errors.Add("earlyStopping", "has a field of the wrong type"); return null; }
        if (rule is null) return null;
        if (method == EarlyStoppingMethods.Law)
        {
            // The law predicts the training loss; it is the only metric it judges.
            if (obj["metric"] is not null && rule.Metric != MetricNames.Loss) errors.Add("earlyStopping.metric", "the law predicts the training loss: leave metric out or set it to loss");
            rule = rule with { Metric = MetricNames.Loss, Mode = "min" };
            if (rule.At is { } at)
            {
                if (at.Count is 0 or > MaxJudgements) errors.Add("earlyStopping.at", $"must list 1 to {MaxJudgements} fractions of a run's steps at which it is judged, e.g. [0.25, 0.5]");
                for (var i = 0; i < at.Count; i++)
                    if (!(double.IsFinite(at[i]) && at[i] is > 0 and < 1)) errors.Add($"earlyStopping.at[{i}]", "must be a fraction of the run's steps in (0, 1)");
                if (at.Distinct().Count() != at.Count) errors.Add("earlyStopping.at", "lists a fraction more than once");
            }
            if (rule.Keep is < 1 or > 1000)
                errors.Add("earlyStopping.keep", "must be between 1 and 1000: the runs of each budget left to train (3 or more for an IsoFLOP profile)");
            return rule;
        }
        if (!MetricNames.Watchable.Contains(rule.Metric))
            errors.Add("earlyStopping.metric", "must be val_loss, loss or mqar_accuracy");
        if (rule.Mode is not ("min" or "max")) errors.Add("earlyStopping.mode", "must be min or max");
        else if (MetricNames.HigherIsBetter(rule.Metric) != (rule.Mode == "max"))
            errors.Add("earlyStopping.mode", $"{rule.Metric} is better when {(MetricNames.HigherIsBetter(rule.Metric) ? "higher (max)" : "lower (min)")}");
        if (rule.ReductionFactor is < 2 or > 16) errors.Add("earlyStopping.reductionFactor", "must be between 2 and 16");
        if (rule.GracePeriod is < 1 or > 10_000_000) errors.Add("earlyStopping.gracePeriod", "must be between 1 and 1e7 steps");
        return rule;
    }
}
