using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaleLab.Catalog;

/// <summary>
/// The run-config fields that vary across a sweep's runs (dModel, learningRate, mixer...) and each run's value of
/// each, as text ("–" where a run's config lacks it): what a chart can colour or a table group the runs by.
/// </summary>
public sealed record SweepFields(IReadOnlyList<string> Names, IReadOnlyDictionary<Guid, IReadOnlyList<string>> Values)
{
    /// <summary>Fields named at most (the most varied first would be arbitrary: they come in name order).</summary>
    public const int MaxFields = 24;

    public const string Missing = "–";

    public static SweepFields Of(IEnumerable<(Guid RunId, string ConfigJson)> runs)
    {
        var configs = runs.Select(r => (r.RunId, Fields: Scalars(r.ConfigJson))).ToList();
        var names = configs.SelectMany(c => c.Fields.Keys).Distinct(StringComparer.Ordinal)
            .Where(name => configs.Select(c => c.Fields.GetValueOrDefault(name, Missing)).Distinct(StringComparer.Ordinal).Skip(1).Any())
            .Order(StringComparer.Ordinal).Take(MaxFields).ToList();
        return new SweepFields(names, configs.ToDictionary(c => c.RunId,
            c => (IReadOnlyList<string>)names.Select(n => c.Fields.GetValueOrDefault(n, Missing)).ToList()));
    }

    /// <summary>
    /// The distinct values of a field in the order people read them: numbers in numeric order when every value is a
    /// number (64 before 128 before 512, not text order), else text in ordinal order; <see cref="Missing"/> last. The
    /// order a chart's colours and a table's groups follow.
    /// </summary>
    public static IReadOnlyList<string> InOrder(IEnumerable<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        var present = distinct.Where(v => v != Missing).ToList();
        var numeric = present.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var ordered = numeric
            ? present.OrderBy(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ThenBy(v => v, StringComparer.Ordinal)
            : present.Order(StringComparer.Ordinal);
        return [.. ordered, .. distinct.Where(v => v == Missing)];
    }

    /// <summary>The config's top-level numbers, strings and booleans as text; objects and arrays are not fields to group by.</summary>
    private static Dictionary<string, string> Scalars(string configJson)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonNode.Parse(configJson) is not JsonObject obj) return fields;
        foreach (var (name, value) in obj)
            if (value is JsonValue v)
                fields[name] = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        return fields;
    }
}
