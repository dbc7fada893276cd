using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaleLab.Catalog;

/// <summary>
/// Runs' configs side by side: every field any of them has, each run's value as text, and whether the runs differ
/// in it. Nested objects are read as dotted fields (dataset.tokenizer), arrays as their JSON; a run without the field,
/// or with null, shows <see cref="SweepFields.Missing"/>.
/// </summary>
public static class ConfigDiff
{
    /// <summary>The fields in the order the configs write them (the first config's order, then fields only later ones have).</summary>
    public static IReadOnlyList<ComparedField> Of(IReadOnlyList<string> configsJson)
    {
        var configs = configsJson.Select(Flatten).ToList();
        var names = configs.SelectMany(c => c.Keys).Distinct(StringComparer.Ordinal);
        return [.. names.Select(n => new ComparedField(n, [.. configs.Select(c => c.GetValueOrDefault(n, SweepFields.Missing))]))];
    }

    private static OrderedDictionary<string, string> Flatten(string configJson)
    {
        var fields = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        if (JsonNode.Parse(configJson) is JsonObject root) Add(fields, "", root);
        return fields;
    }

    private static void Add(OrderedDictionary<string, string> fields, string prefix, JsonObject obj)
    {
        foreach (var (name, value) in obj)
        {
            var field = prefix + name;
            switch (value)
            {
                case JsonObject inner when inner.Count > 0: Add(fields, field + ".", inner); break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String: fields[field] = v.GetValue<string>(); break;
                case null: fields[field] = SweepFields.Missing; break;
                default: fields[field] = value.ToJsonString(); break;
            }
        }
    }
}

/// <summary>One field of the runs compared: its value in each run (in the runs' order) and whether they differ.</summary>
public sealed record ComparedField(string Name, IReadOnlyList<string> Values)
{
    public bool Differs => Values.Distinct(StringComparer.Ordinal).Skip(1).Any();
}
