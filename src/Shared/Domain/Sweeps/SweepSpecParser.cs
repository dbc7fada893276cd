using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScaleLab.Runs;
using ScaleLab.Validation;

namespace ScaleLab.Sweeps;

/// <summary>Reads a spec document into a <see cref="SweepSpec"/>, reporting every problem by the field it concerns.</summary>
public static partial class SweepSpecParser
{
    private static readonly HashSet<string> TopLevelFields = ["name", "kind", "priority", "base", "axes", "isoflop", "ablation", "random", "ladder", "earlyStopping", "accounting"];

    /// <summary>JSON names of the run-config fields an axis may vary.</summary>
    public static IReadOnlySet<string> AxisParameters { get; } = typeof(RunConfig).GetProperties()
        .Where(p => p.CanWrite && p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true).Length == 0)
        .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
        .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,119}\z")]
    private static partial Regex NamePattern();

    public const string NameRule = "must be 1-120 characters of letters, digits, space, '_', '.', '-', starting with a letter or digit";

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    /// <summary>A spec's "accounting" section: {"parameters": "nonEmbedding" | "total", "compute": "exact" | "6ND"}.</summary>
    public static Scaling.FlopAccounting? ReadAccounting(JsonNode section, ValidationErrors errors) => StudyDesignParser.ReadAccounting(section, errors);

    /// <summary>
    /// The accounting a stored spec declares (its "accounting" section, the default when it has none), for every kind
    /// of study, external ones included: the spec was validated when it was accepted.
    /// </summary>
    public static Scaling.FlopAccounting AccountingOf(string specJson) =>
        JsonNode.Parse(specJson) is JsonObject { } obj && obj["accounting"] is { } section
            ? StudyDesignParser.ReadAccounting(section, new ValidationErrors()) ?? Scaling.FlopAccounting.Default
            : Scaling.FlopAccounting.Default;

    public static SweepSpec? Parse(string json, ValidationErrors errors)
    {
        JsonNode? root;
        try
        {
            // Duplicate keys are refused: "last one wins" would silently drop what the user also wrote.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            errors.Add("body", $"not valid JSON: {ex.Message}");
            return null;
        }
        catch (InvalidOperationException)
        {
            errors.Add("body", JsonInput.InvalidName);
            return null;
        }
        if (root is not JsonObject obj)
        {
            errors.Add("body", "must be a JSON object");
            return null;
        }
        if (!JsonInput.Check(obj, errors)) return null;

        foreach (var (key, _) in obj)
            if (!TopLevelFields.Contains(key)) errors.Add(key, $"unknown field; expected one of: {string.Join(", ", TopLevelFields)}");

        var name = ReadString(obj, "name", errors, required: true);
        if (name is not null && !IsValidName(name)) errors.Add("name", NameRule);

        var kind = ReadString(obj, "kind", errors, required: false) ?? StudyKinds.Grid;
        if (!StudyKinds.Submittable.Contains(kind)) errors.Add("kind", $"unsupported kind '{kind}'; supported: {string.Join(", ", StudyKinds.Submittable)}");

        var priority = 0;
        if (obj["priority"] is { } p && (p.GetValueKind() != JsonValueKind.Number || !p.AsValue().TryGetValue(out priority) || priority is < -100 or > 100))
            errors.Add("priority", "must be an integer between -100 and 100");

        var baseConfig = ReadBase(obj["base"], errors);
        var axes = ReadAxes(obj["axes"], "axes", errors);
        var isoFlop = ReadSection(obj, "isoflop", kind, errors, node => StudyDesignParser.ReadIsoFlop(node, errors));
        var ablation = ReadSection(obj, "ablation", kind, errors, node => StudyDesignParser.ReadAblation(node, errors));
        var random = ReadSection(obj, "random", kind, errors, node => StudyDesignParser.ReadRandom(node, errors));
        var ladder = ReadSection(obj, "ladder", kind, errors, node => LadderDesignParser.Read(node, errors));
        var earlyStopping = obj["earlyStopping"] is { } es ? StudyDesignParser.ReadEarlyStopping(es, errors) : null;
        var accounting = obj["accounting"] is { } acc ? StudyDesignParser.ReadAccounting(acc, errors) : null;
        if (baseConfig?.InitFrom is not null) errors.Add("base.initFrom", "is set by ladder studies for their branches, not by hand");
        if (axes.Any(a => a.Parameter == "initFrom")) errors.Add("axes.initFrom", "is set by ladder studies for their branches, not by hand");
        if (isoFlop?.Adaptive is not null && earlyStopping is not null)
            errors.Add("earlyStopping", "does not apply to an adaptive design: it picks each run to train to its end, and a stopped run gives it no point");
        if (isoFlop?.Adaptive is { Target: AdaptiveSpec.CrossingCompute } && (axes.Count != 1 || axes[0].Values.Count != 2))
            errors.Add(axes.Count == 0 ? "axes" : $"axes.{axes[0].Parameter}", "a crossing compares two architectures: give one axis of two values (e.g. \"mixer\": [\"softmax\", \"gla\"])");
        else if (isoFlop?.Adaptive is { Target: not AdaptiveSpec.CrossingCompute } && axes.Count > 0)
            errors.Add($"axes.{axes[0].Parameter}", "cannot be combined with isoflop.adaptive: the design chooses one run per (budget, size) point");
        if (ladder is not null && earlyStopping is not null)
            errors.Add("earlyStopping", "does not apply to a ladder: stopping a trunk early would leave its branches nothing to start from");
        if (ladder is not null)
            foreach (var axis in axes.Where(a => LadderDesign.SetFields.Contains(a.Parameter)))
                errors.Add($"axes.{axis.Parameter}", "is set by the ladder (sizes, budgets and its warmup-stable-decay schedule); vary it through the 'ladder' section");
        foreach (var d in random?.Parameters ?? [])
            if (axes.Any(a => a.Parameter == d.Parameter)) errors.Add($"random.parameters.{d.Parameter}", "is also an axis; vary a field one way");
        if ((isoFlop?.LearningRates is not null || ablation?.LearningRates is not null || ladder?.LearningRates is not null) && axes.Any(a => a.Parameter == "learningRate"))
            errors.Add($"{kind}.learningRates", "learningRate is also an axis; sweep the rate one way");

        return errors.IsEmpty ? new SweepSpec(name!, kind, priority, baseConfig!, axes, isoFlop, ablation, random, earlyStopping, accounting, ladder) : null;
    }

    private static string? ReadString(JsonObject obj, string field, ValidationErrors errors, bool required)
    {
        var node = obj[field];
        if (node is null)
        {
            if (required) errors.Add(field, "is required");
            return null;
        }
        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(field, "must be a string");
            return null;
        }
        return node.GetValue<string>();
    }

    private static RunConfig? ReadBase(JsonNode? node, ValidationErrors errors)
    {
        if (node is null) return new RunConfig();
        if (node is not JsonObject)
        {
            errors.Add("base", "must be an object of run-config fields");
            return null;
        }
        return DeserializeConfig(node, errors, "base", path => "base." + path);
    }

    /// <summary>Deserializes a run config; a type error is reported at the offending field through <paramref name="fieldName"/>.</summary>
    public static RunConfig? DeserializeConfig(JsonNode node, ValidationErrors errors, string whole, Func<string, string> fieldName)
    {
        try
        {
            return node.Deserialize<RunConfig>(SpecJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 2 } p ? fieldName(p.TrimStart('$', '.')) : whole;
            var reason = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"unknown field; run-config fields are: {string.Join(", ", AxisParameters.Order())}"
                : "has the wrong type or an out-of-range number";
            errors.Add(path, reason);
            return null;
        }
    }

    /// <summary>A kind's own section: required for that kind, refused for the others.</summary>
    private static T? ReadSection<T>(JsonObject obj, string section, string kind, ValidationErrors errors, Func<JsonNode, T?> read) where T : class
    {
        var node = obj[section];
        if (kind == section && node is null)
        {
            errors.Add(section, $"is required for kind '{section}'");
            return null;
        }
        if (kind != section && node is not null)
        {
            errors.Add(section, $"only applies to kind '{section}' (this spec is kind '{kind}')");
            return null;
        }
        return node is null ? null : read(node);
    }

    internal static IReadOnlyList<SweepAxis> ReadAxes(JsonNode? node, string prefix, ValidationErrors errors)
    {
        if (node is null) return [];
        if (node is not JsonObject axesObj)
        {
            errors.Add(prefix, "must be an object mapping a run-config field to a list of values");
            return [];
        }
        var axes = new List<SweepAxis>();
        foreach (var (parameter, valuesNode) in axesObj)
        {
            var field = $"{prefix}.{parameter}";
            if (!AxisParameters.Contains(parameter))
            {
                errors.Add(field, $"unknown run-config field; known: {string.Join(", ", AxisParameters.Order())}");
                continue;
            }
            if (valuesNode is not JsonArray values || values.Count == 0)
            {
                errors.Add(field, "must be a non-empty list of values");
                continue;
            }
            if (values.Count > SweepLimits.Default.MaxRuns)
            {
                errors.Add(field, $"has {values.Count} values; a sweep may have at most {SweepLimits.Default.MaxRuns} runs");
                continue;
            }
            var texts = values.Select(v => v?.ToJsonString() ?? "null").ToList();
            var duplicate = texts.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) errors.Add(field, $"lists the value {duplicate.Key} more than once");
            axes.Add(new SweepAxis(parameter, texts));
        }
        return axes;
    }
}
